// Runs a service entry point as a real child process (through tsx, like `npm start`) and follows its JSON logs.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { repositoryRoot } from '../config/repository-root.js';

export type LogLine = Record<string, unknown> & { msg?: string };

export interface ServiceProcess {
  child: ChildProcess;
  logs: LogLine[];
  stderr: () => string;
  /** Resolves with the first log line (past or future) that matches. */
  waitForLog: (matches: (line: LogLine) => boolean) => Promise<LogLine>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startServiceProcess(entry: string, environment: Record<string, string>): ServiceProcess {
  const serviceRoot = path.join(repositoryRoot, 'service');
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', entry], {
    cwd: serviceRoot,
    // Only what is given: the child must not inherit a developer's DATABASE_URL or .env-style variables.
    env: { PATH: process.env.PATH ?? '', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const waiters: Array<{ matches: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  createInterface({ input: child.stdout }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { msg: text };
    }
    logs.push(line);
    for (const waiter of waiters.filter((candidate) => candidate.matches(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    logs,
    stderr: () => stderr,
    waitForLog: (matches) => {
      const existing = logs.find(matches);
      if (existing !== undefined) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        waiters.push({ matches, resolve });
        void exited.then(({ code }) =>
          reject(new Error(`process exited (code ${code}) before the expected log line; stderr: ${stderr}`)),
        );
      });
    },
    exited,
  };
}

/** The port from Fastify's "Server listening at http://host:port" line of the API (not the metrics listener). */
export async function waitForApiPort(service: ServiceProcess): Promise<number> {
  const line = await service.waitForLog(
    (candidate) =>
      candidate.msg?.startsWith('Server listening at') === true && candidate.listener === undefined,
  );
  return Number(new URL(String(line.msg).replace('Server listening at ', '')).port);
}
