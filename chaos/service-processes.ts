// The processes under test: API and worker processes started the way production starts them (`server.ts`,
// `worker.ts`, configured only through the environment), each in a slot the harness can SIGKILL and restart.
// A slot whose process exits without the harness killing it records the exit (a violation) and is restarted.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export type ServiceBuild = 'dist' | 'source';
export type ProcessKind = 'api' | 'worker';

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface UnexpectedExit {
  slot: string;
  at: number;
  code: number | null;
  signal: string | null;
  lastLines: string[];
}

export interface ProcessSlot {
  name: string;
  kind: ProcessKind;
  /** The API's port (fixed across restarts, so the balancer and clients keep it); 0 for a worker. */
  port: number;
  /** True while a process runs and has said it is ready. */
  isUp: () => boolean;
  pid: () => number | undefined;
  start: () => Promise<void>;
  /** SIGKILL now; resolves when the process is gone. Counted as a kill, not as an unexpected exit. */
  kill: () => Promise<void>;
  /** SIGTERM and wait (SIGKILL after 15 s). */
  stop: () => Promise<void>;
  /** Resolves once the slot is up again (or at once if it is). */
  waitUntilUp: (timeoutMs: number) => Promise<void>;
}

/** `dist` compiles the service first and runs `node dist/…` (what the container runs); `source` runs tsx. */
export function prepareBuild(build: ServiceBuild): void {
  if (build !== 'dist') return;
  const compiled = spawnSync(
    process.execPath,
    [path.join(repositoryRoot, 'node_modules/typescript/bin/tsc'), '-p', 'service/tsconfig.build.json'],
    { cwd: repositoryRoot, stdio: 'inherit' },
  );
  if (compiled.status !== 0)
    throw new Error('compiling the service (tsc -p service/tsconfig.build.json) failed');
}

function entryArguments(build: ServiceBuild, kind: ProcessKind): string[] {
  const file = kind === 'api' ? 'server' : 'worker';
  return build === 'dist'
    ? [path.join(repositoryRoot, `service/dist/${file}.js`)]
    : ['--conditions=source', '--import', 'tsx', path.join(repositoryRoot, `service/src/${file}.ts`)];
}

/** Resident memory of a process in bytes (Linux /proc), undefined when it is gone. */
export function residentBytesOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

export function createProcessSlot(options: {
  name: string;
  kind: ProcessKind;
  port: number;
  build: ServiceBuild;
  environment: Record<string, string>;
  logFolder: string;
  onUnexpectedExit: (exit: UnexpectedExit) => void;
}): ProcessSlot {
  const { name, kind, port } = options;
  let child: ChildProcess | undefined;
  let up = false;
  let expectingExit = false;
  let stopped = false;
  let log: WriteStream | undefined;
  const lastLines: string[] = [];
  let upWaiters: Array<() => void> = [];

  const markUp = () => {
    up = true;
    for (const resolve of upWaiters) resolve();
    upWaiters = [];
  };

  async function pollReadiness(current: ChildProcess): Promise<void> {
    while (child === current && current.exitCode === null && current.signalCode === null) {
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`, {
        signal: AbortSignal.timeout(2000),
      }).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ready) return markUp();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function start(): Promise<void> {
    if (child !== undefined) return;
    stopped = false;
    expectingExit = false;
    log ??= createWriteStream(path.join(options.logFolder, `${name}.log`), { flags: 'a' });
    const current = spawn(process.execPath, entryArguments(options.build, kind), {
      cwd: path.join(repositoryRoot, 'service'),
      // Only what is given: the processes must not pick up a developer's DATABASE_URL or .env values.
      env: { PATH: process.env.PATH ?? '', ...options.environment, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = current;
    const remember = (line: string) => {
      log?.write(`${line}\n`);
      lastLines.push(line);
      if (lastLines.length > 30) lastLines.shift();
    };
    createInterface({ input: current.stdout }).on('line', (line) => {
      remember(line);
      if (kind === 'worker' && line.includes('"inbox worker started"')) markUp();
    });
    createInterface({ input: current.stderr }).on('line', remember);
    current.once('exit', (code, signal) => {
      if (child === current) child = undefined;
      up = false;
      if (expectingExit || stopped) return;
      options.onUnexpectedExit({ slot: name, at: Date.now(), code, signal, lastLines: [...lastLines] });
      // Whatever died is brought back, as a supervisor would.
      setTimeout(() => void start(), 500);
    });
    if (kind === 'api') void pollReadiness(current);
  }

  async function endWith(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    const current = child;
    if (current === undefined) return;
    expectingExit = true;
    up = false;
    const gone = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    current.kill(signal);
    const forced = setTimeout(() => current.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(forced);
  }

  return {
    name,
    kind,
    port,
    isUp: () => up,
    pid: () => child?.pid,
    start,
    kill: () => endWith('SIGKILL', 5000),
    stop: async () => {
      stopped = true;
      await endWith('SIGTERM', 15_000);
      await new Promise<void>((resolve) => (log === undefined ? resolve() : log.end(resolve)));
      log = undefined;
    },
    waitUntilUp: (timeoutMs) =>
      up
        ? Promise.resolve()
        : new Promise((resolve, reject) => {
            const timer = setTimeout(
              () =>
                reject(
                  new Error(
                    `${name} not up after ${timeoutMs} ms; last lines: ${lastLines.slice(-5).join(' | ')}`,
                  ),
                ),
              timeoutMs,
            );
            upWaiters.push(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
  };
}
