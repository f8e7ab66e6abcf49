// deploy/kubernetes rendered for staging and production and checked: every manifest against the Kubernetes schemas
// (kubernetes-models), probes on routes the processes serve, shutdown timing, resources, a restricted security
// context, and configuration by reference only.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as autoscalingV2 from 'kubernetes-models/autoscaling/v2';
import * as batchV1 from 'kubernetes-models/batch/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as coreV1 from 'kubernetes-models/v1';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IContainer, IPodSpec } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { buildMetricsApp } from '../../src/observability/metrics-app.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { buildTestApp } from '../../src/test-support/test-app.js';
import { repositoryRoot } from './dockerfile-model.js';
import { renderKustomization, type Manifest } from './kustomize-render.js';
import { imageFileExists } from './source-of-build.js';

const MODELS: Record<string, Record<string, unknown>> = {
  'apps/v1': appsV1,
  'autoscaling/v2': autoscalingV2,
  'batch/v1': batchV1,
  'policy/v1': policyV1,
  v1: coreV1,
};
const OVERLAYS = ['staging', 'production'] as const;
const SECRET_NAME = 'billing-service-secrets';
/** What the process takes after SHUTDOWN_TIMEOUT_MS before it exits on its own (docs/runbook.md#shutdown). */
const HARD_EXIT_MARGIN_MS = 10_000;

const render = (overlay: string) =>
  renderKustomization(path.join(repositoryRoot, 'deploy/kubernetes/overlays', overlay));
const find = (manifests: Manifest[], kind: string, name: string) => {
  const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  if (found === undefined) throw new Error(`${kind}/${name} is not rendered`);
  return found;
};
const podSpecOf = (manifest: Manifest) => (manifest.spec as { template: { spec: IPodSpec } }).template.spec;
const workloads = (manifests: Manifest[]) =>
  manifests.filter((manifest) => manifest.kind === 'Deployment' || manifest.kind === 'Job');
const documentedVariables = new Set(
  [
    ...readFileSync(path.join(repositoryRoot, '.env.example'), 'utf8').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm),
  ].map((match) => match[1]),
);

describe.each(OVERLAYS)('Kubernetes overlay %s', (overlay) => {
  const manifests = render(overlay);
  const config = find(manifests, 'ConfigMap', 'billing-service-config') as Manifest & {
    data: Record<string, string>;
  };

  it('renders valid Kubernetes objects, all in the overlay namespace, on the overlay image tag', () => {
    expect(manifests.map((manifest) => `${manifest.kind}/${manifest.metadata.name}`).sort()).toEqual([
      'ConfigMap/billing-service-config',
      'Deployment/billing-api',
      'Deployment/billing-worker',
      'HorizontalPodAutoscaler/billing-api',
      'Job/billing-service-migrate',
      'PodDisruptionBudget/billing-api',
      'PodDisruptionBudget/billing-worker',
      'Service/billing-api',
      'ServiceAccount/billing-service',
    ]);
    for (const manifest of manifests) {
      const Model = MODELS[manifest.apiVersion]?.[manifest.kind] as
        (new (data: unknown) => { validate(): void }) | undefined;
      expect(Model, `${manifest.apiVersion} ${manifest.kind}`).toBeDefined();
      expect(
        () => new Model!(manifest).validate(),
        `${manifest.kind}/${manifest.metadata.name}`,
      ).not.toThrow();
      expect(manifest.metadata.namespace).toBe(`billing-${overlay}`);
    }
    for (const workload of workloads(manifests)) {
      for (const container of podSpecOf(workload).containers) {
        expect(container.image).toBe(`ghcr.io/example/billing-service:${overlay}`);
        const [program, file] = container.command ?? [];
        expect(program).toBe('node');
        expect(imageFileExists(file ?? ''), file).toBe(true);
      }
    }
  });

  it('probes the API on its health routes and the worker on its metrics listener', async () => {
    const api = podSpecOf(find(manifests, 'Deployment', 'billing-api')).containers[0]!;
    expect(api.readinessProbe?.httpGet?.path).toBe('/health/ready');
    expect(api.startupProbe?.httpGet?.path).toBe('/health/ready');
    expect(api.livenessProbe?.httpGet?.path).toBe('/health/live');
    const portNamed = (container: IContainer, name: unknown) =>
      container.ports?.find((port) => port.name === name)?.containerPort;
    expect(portNamed(api, api.readinessProbe?.httpGet?.port)).toBe(Number(config.data.PORT));
    const worker = podSpecOf(find(manifests, 'Deployment', 'billing-worker')).containers[0]!;
    expect(worker.livenessProbe?.httpGet?.path).toBe('/health/live');
    expect(portNamed(worker, worker.livenessProbe?.httpGet?.port)).toBe(Number(config.data.METRICS_PORT));

    const testApp = await buildTestApp({ environment: { LOG_LEVEL: 'silent' } });
    const metricsApp = buildMetricsApp({
      metrics: createMetrics(),
      logger: createLogger({ level: 'silent', pretty: false, secrets: [] }),
    });
    try {
      await testApp.app.ready();
      await metricsApp.ready();
      for (const url of ['/health/ready', '/health/live'])
        expect(testApp.app.hasRoute({ method: 'GET', url })).toBe(true);
      expect(metricsApp.hasRoute({ method: 'GET', url: '/health/live' })).toBe(true);
    } finally {
      await metricsApp.close();
      await testApp.close();
    }
  });

  it('gives every pod time for preStop, the drain of SHUTDOWN_TIMEOUT_MS and the hard-exit margin', () => {
    const shutdownTimeoutMs = Number(config.data.SHUTDOWN_TIMEOUT_MS);
    expect(shutdownTimeoutMs).toBeGreaterThan(0);
    for (const name of ['billing-api', 'billing-worker']) {
      const spec = podSpecOf(find(manifests, 'Deployment', name));
      const preStop = spec.containers[0]?.lifecycle?.preStop?.exec?.command ?? [];
      const preStopMs = preStop[0] === 'sleep' ? Number(preStop[1]) * 1000 : 0;
      expect((spec.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThanOrEqual(
        preStopMs + shutdownTimeoutMs + HARD_EXIT_MARGIN_MS,
      );
    }
    const api = podSpecOf(find(manifests, 'Deployment', 'billing-api')).containers[0]!;
    expect(api.lifecycle?.preStop?.exec?.command?.[0]).toBe('sleep');
  });

  it('sets requests, limits and a restricted security context on every container', () => {
    for (const workload of workloads(manifests)) {
      const spec = podSpecOf(workload);
      expect(spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(spec.securityContext?.runAsUser).toBeGreaterThan(0);
      expect(spec.automountServiceAccountToken).toBe(false);
      for (const container of spec.containers) {
        expect(container.resources?.requests?.cpu, workload.metadata.name).toBeDefined();
        expect(container.resources?.requests?.memory).toBeDefined();
        expect(container.resources?.limits?.cpu).toBeDefined();
        expect(container.resources?.limits?.memory).toBeDefined();
        expect(container.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
      }
    }
  });

  it('takes configuration and secrets by reference, with only documented, non-secret keys in the ConfigMap', () => {
    for (const workload of workloads(manifests)) {
      for (const container of podSpecOf(workload).containers) {
        expect(container.env ?? []).toEqual([]);
        expect(container.envFrom).toEqual([
          { configMapRef: { name: config.metadata.name } },
          { secretRef: { name: SECRET_NAME } },
        ]);
      }
    }
    for (const key of Object.keys(config.data)) {
      expect(documentedVariables.has(key), `${key} in .env.example`).toBe(true);
      expect(key).not.toMatch(/SECRET|PASSWORD|DATABASE_URL|REDIS_URL|_KEY$/);
    }
    expect(config.data.NODE_ENV).toBe('production');
    expect(config.data.MIGRATE_ON_START).toBe('false');
  });

  it('scales and protects the API and the worker it names', () => {
    const api = find(manifests, 'Deployment', 'billing-api') as Manifest & IDeployment;
    const autoscaler = find(manifests, 'HorizontalPodAutoscaler', 'billing-api') as Manifest & {
      spec: { scaleTargetRef: { name: string }; minReplicas: number; maxReplicas: number };
    };
    expect(autoscaler.spec.scaleTargetRef.name).toBe('billing-api');
    expect(autoscaler.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(autoscaler.spec.maxReplicas).toBeGreaterThan(autoscaler.spec.minReplicas);
    for (const name of ['billing-api', 'billing-worker']) {
      const deployment = find(manifests, 'Deployment', name) as Manifest & IDeployment;
      const budget = find(manifests, 'PodDisruptionBudget', name) as Manifest & {
        spec: { selector: { matchLabels: Record<string, string> } };
      };
      expect(deployment.spec?.template.metadata?.labels).toMatchObject(budget.spec.selector.matchLabels);
    }
    const service = find(manifests, 'Service', 'billing-api') as Manifest & {
      spec: { selector: Record<string, string> };
    };
    expect(api.spec?.template.metadata?.labels).toMatchObject(service.spec.selector);
  });
});

describe('the Kubernetes renderer', () => {
  it('refuses a patch whose target or path does not exist, so a broken overlay fails here', () => {
    expect(() => renderKustomization(path.join(repositoryRoot, 'deploy/kubernetes/base'))).not.toThrow();
    const broken = path.join(import.meta.dirname, 'fixtures', 'broken-overlay');
    expect(() => renderKustomization(broken)).toThrow(
      /patch path \/spec\/nonexistent\/replicas does not exist/,
    );
  });
});
