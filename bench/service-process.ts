// The API process of a bench, started the way production starts it: `server.ts` in its own process, configured
// only through the environment. `dist` runs the compiled build (`node service/dist/server.js`, what
// `npm run start:prod` and the container run), rebuilt first so it never measures stale code; `source` runs
// the TypeScript under tsx (`npm start`, the tests), which adds source-mapped stack traces to every
// `new Error().stack` (the Stripe SDK reads one per request).
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildServer } from './bench-support.js';

export type ServiceBuild = 'dist' | 'source';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function serviceBuildFromEnvironment(): ServiceBuild {
  const value = process.env.BENCH_SERVICE_BUILD ?? 'dist';
  if (value !== 'dist' && value !== 'source') throw new Error('BENCH_SERVICE_BUILD: must be dist or source');
  return value;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no free port');
  return address.port;
}

/** Starts the API and resolves once GET /health/ready answers 200. Its log lines go to /dev/null. */
export async function startServiceProcess(
  build: ServiceBuild,
  environment: Record<string, string>,
): Promise<ChildServer> {
  let entry: string[];
  if (build === 'dist') {
    const compiled = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'service/tsconfig.build.json'],
      { cwd: root, stdio: 'inherit' },
    );
    if (compiled.status !== 0) throw new Error('npm run build of the service failed');
    entry = [path.join(root, 'service/dist/server.js')];
  } else {
    entry = ['--conditions=source', '--import', 'tsx', path.join(root, 'service/src/server.ts')];
  }
  const port = await freePort();
  // For profiling the service alone, e.g. BENCH_SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/profiles".
  const nodeArguments = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter((part) => part !== '');
  const child = spawn(process.execPath, [...nodeArguments, ...entry], {
    cwd: root,
    env: { ...process.env, ...environment, HOST: '127.0.0.1', PORT: String(port), METRICS_PORT: '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<never>((_resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`service exited with ${code}`)));
  });
  exited.catch(() => undefined);
  for (;;) {
    const ready = await Promise.race([
      fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (response) => response.status === 200,
        () => false,
      ),
      exited,
    ]);
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
