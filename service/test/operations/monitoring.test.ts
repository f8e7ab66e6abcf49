// Alert rules, the Grafana dashboard and the Alertmanager example: every alert links an existing runbook section,
// every expression reads metrics the service exports and parses (promtool), and the routing pages for "page".
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { repositoryRoot } from './dockerfile-model.js';
import { exportedMetricNames } from './exported-metrics.js';
import { markdownAnchors, metricNamesIn } from './promql-metrics.js';

interface AlertRule {
  alert: string;
  expr: string;
  labels: { severity: string };
  annotations: Record<string, string>;
}
interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; w: number };
  targets?: Array<{ expr: string }>;
}

const read = (file: string) => readFileSync(path.join(repositoryRoot, file), 'utf8');
const rules = (
  parse(read('deploy/prometheus/alerts.yml')) as { groups: Array<{ rules: AlertRule[] }> }
).groups.flatMap((group) => group.rules);
const dashboard = JSON.parse(read('deploy/grafana/billing-service.json')) as {
  uid: string;
  panels: DashboardPanel[];
};
const graphs = dashboard.panels.filter((panel) => panel.type !== 'row');

/** promtool and amtool come with Debian's prometheus and prometheus-alertmanager packages (.ci/run installs them). */
function run(tool: string, args: string[], cwd = repositoryRoot): string {
  try {
    return execFileSync(tool, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { code, stdout, stderr } = error as { code?: string; stdout?: string; stderr?: string };
    if (code === 'ENOENT')
      throw new Error(`${tool} is missing: apt-get install prometheus prometheus-alertmanager`);
    throw new Error(`${tool} ${args.join(' ')} failed:\n${stdout}${stderr}`);
  }
}

describe('alert rules', () => {
  let exported: Set<string>;
  beforeAll(async () => {
    exported = await exportedMetricNames();
  });

  it('cover errors, latency, the database, the breaker, the Stripe budget, checkout, the pools and the webhook inbox', () => {
    expect(rules.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining([
        'BillingHighErrorRate',
        'BillingHighLatency',
        'BillingDatabaseUnreachable',
        'BillingStripeCircuitOpen',
        'BillingStripeBudgetRefusing',
        'BillingCheckoutSuccessRateLow',
        'BillingDatabasePoolSaturated',
        'BillingWebhookEventsDead',
        'BillingWebhookInboxBacklogOld',
      ]),
    );
  });

  it('each link a runbook section that exists, and say how urgent they are', () => {
    const anchors = markdownAnchors(read('docs/runbook.md'));
    for (const rule of rules) {
      const url = new URL(rule.annotations.runbook_url ?? '');
      expect(url.pathname, rule.alert).toMatch(/\/docs\/runbook\.md$/);
      expect(anchors.has(url.hash.slice(1)), `${rule.alert}: runbook section ${url.hash}`).toBe(true);
      expect(['page', 'ticket']).toContain(rule.labels.severity);
      expect(rule.annotations.summary).toBeTruthy();
    }
  });

  it('read only metrics the service exports', () => {
    for (const rule of rules) {
      for (const name of metricNamesIn(rule.expr))
        expect(exported.has(name), `${rule.alert}: ${name}`).toBe(true);
    }
  });

  it('pass promtool check and their unit tests', () => {
    expect(run('promtool', ['check', 'rules', 'deploy/prometheus/alerts.yml'])).toContain('SUCCESS');
    expect(
      run('promtool', ['test', 'rules', 'alerts.test.yml'], path.join(repositoryRoot, 'deploy/prometheus')),
    ).toContain('SUCCESS');
  });
});

describe('Grafana dashboard', () => {
  let exported: Set<string>;
  let workspace: string;
  beforeAll(async () => {
    exported = await exportedMetricNames();
    workspace = mkdtempSync(path.join(tmpdir(), 'billing-dashboard-'));
  });
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  it('has RED and billing panels with unique ids, laid out on the 24-column grid', () => {
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
    const titles = graphs.map((panel) => panel.title).join('\n');
    for (const topic of [
      'Request rate',
      'Error ratio',
      'Latency',
      'Checkout success',
      'Webhook failures',
      'Pool',
    ]) {
      expect(titles).toContain(topic);
    }
  });

  it('queries only metrics the service exports', () => {
    for (const panel of graphs) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets ?? []) {
        const names = metricNamesIn(expr);
        expect(names.length, `${panel.title}: ${expr}`).toBeGreaterThan(0);
        for (const name of names) expect(exported.has(name), `${panel.title}: ${name}`).toBe(true);
      }
    }
  });

  it('has expressions Prometheus parses (checked by promtool as recording rules)', () => {
    const recordingRules = graphs.flatMap((panel, index) =>
      (panel.targets ?? []).map((target, targetIndex) => ({
        record: `dashboard:panel_${index}_${targetIndex}`,
        expr: target.expr.replaceAll('$__rate_interval', '5m').replaceAll('$job', '.*'),
      })),
    );
    const file = path.join(workspace, 'dashboard-rules.yml');
    writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules: recordingRules }] }));
    expect(run('promtool', ['check', 'rules', file])).toContain(
      `SUCCESS: ${recordingRules.length} rules found`,
    );
  });
});

describe('Alertmanager example', () => {
  const config = 'deploy/alertmanager/alertmanager.yml';

  it('is a valid configuration', () => {
    expect(run('amtool', ['check-config', config])).toContain('SUCCESS');
  });

  it('pages PagerDuty for severity page and files tickets for the rest', () => {
    const receiverOf = (...labels: string[]) =>
      run('amtool', ['config', 'routes', 'test', `--config.file=${config}`, ...labels]).trim();
    expect(receiverOf('alertname=BillingDatabaseUnreachable', 'severity=page')).toBe('billing-pagerduty');
    expect(receiverOf('alertname=BillingDatabasePoolSaturated', 'severity=ticket')).toBe('billing-tickets');
    for (const rule of rules) {
      const expected = rule.labels.severity === 'page' ? 'billing-pagerduty' : 'billing-tickets';
      expect(receiverOf(`alertname=${rule.alert}`, `severity=${rule.labels.severity}`), rule.alert).toBe(
        expected,
      );
    }
  });
});
