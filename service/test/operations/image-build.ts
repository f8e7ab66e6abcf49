// Performs the Dockerfile's stages outside Docker: each stage is a folder standing for its /app, COPY copies from
// a clean copy of the repository (the files git knows, as the build context) or from an earlier stage's folder,
// RUN runs in the stage's folder with its ENV. The last stage's folder is then what the image would hold.
import { execFileSync, spawnSync } from 'node:child_process';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readDockerfile, repositoryRoot, type DockerfileStage } from './dockerfile-model.js';

export interface BuiltImage {
  /** The final stage's /app. */
  root: string;
  /** The final stage's ENV. */
  env: Record<string, string>;
  stage: DockerfileStage;
  remove: () => void;
}

/** The build context: the repository's tracked and new (not ignored) files, without node_modules or dist. */
function copyBuildContext(target: string): void {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: repositoryRoot,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((file) => file !== '');
  for (const file of files) {
    const source = path.join(repositoryRoot, file);
    try {
      if (!statSync(source).isFile()) continue;
    } catch {
      continue; // deleted in the work tree but still in the index
    }
    mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    cpSync(source, path.join(target, file));
  }
}

// Paths inside a stage are relative to its WORKDIR (/app) or absolute under /app.
function insideStage(stageRoot: string, imagePath: string): string {
  const relative = imagePath.startsWith('/app') ? imagePath.slice('/app'.length) : imagePath;
  return path.join(stageRoot, relative);
}

function copyInto(sources: string[], destination: string): void {
  const intoFolder = destination.endsWith('/') || sources.length > 1;
  for (const source of sources) {
    const isFolder = statSync(source).isDirectory();
    const target = intoFolder && !isFolder ? path.join(destination, path.basename(source)) : destination;
    mkdirSync(isFolder ? target : path.dirname(target), { recursive: true });
    cpSync(source, target, { recursive: true, verbatimSymlinks: true });
  }
}

export function buildImageOutsideDocker(): BuiltImage {
  const workspace = mkdtempSync(path.join(tmpdir(), 'billing-image-'));
  const context = path.join(workspace, 'context');
  copyBuildContext(context);
  const stages = readDockerfile(path.join(context, 'Dockerfile'));
  const stageRoots = new Map<string, string>();
  let env: Record<string, string> = {};
  for (const stage of stages) {
    const root = path.join(workspace, stage.name);
    mkdirSync(root);
    stageRoots.set(stage.name, root);
    env = {};
    for (const step of stage.steps) {
      if (step.keyword === 'ENV') env = { ...env, ...step.env };
      if (step.keyword === 'COPY') {
        const from = step.fromStage === undefined ? context : stageRoots.get(step.fromStage);
        if (from === undefined) throw new Error(`COPY --from=${step.fromStage}: no such stage yet`);
        const destination = step.args.at(-1) ?? '';
        const sources = step.args
          .slice(0, -1)
          .map((source) =>
            step.fromStage === undefined ? path.join(from, source) : insideStage(from, source),
          );
        copyInto(sources, insideStage(root, destination) + (destination.endsWith('/') ? '/' : ''));
      }
      if (step.keyword === 'RUN') {
        // The npm cache is the developer's (or CI's): prefer it, as a Docker layer cache would.
        const run = spawnSync('sh', ['-c', step.shell ?? ''], {
          cwd: root,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '',
            ...env,
            npm_config_prefer_offline: 'true',
          },
          encoding: 'utf8',
        });
        if (run.status !== 0) {
          throw new Error(
            `stage ${stage.name}: RUN ${step.shell} exited ${run.status}:\n${run.stdout}\n${run.stderr}`,
          );
        }
      }
    }
  }
  const stage = stages.at(-1);
  const root = stage === undefined ? undefined : stageRoots.get(stage.name);
  if (stage === undefined || root === undefined) throw new Error('the Dockerfile has no stage');
  return { root, env, stage, remove: () => removeInBackground(workspace) };
}

/**
 * Deletes the workspace (two installs' node_modules: tens of seconds on a busy machine) in a detached process,
 * so the test's cleanup returns at once and the deletion finishes even after the test worker has exited.
 */
function removeInBackground(workspace: string): void {
  const remover = spawn(
    process.execPath,
    ['-e', 'require("node:fs").rmSync(process.argv[1], { recursive: true, force: true })', workspace],
    { detached: true, stdio: 'ignore' },
  );
  remover.unref();
}
