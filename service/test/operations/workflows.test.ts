// .github/workflows: valid GitHub workflows (@action-validator/core, the workflow JSON schema), CI running .ci/run
// against PostgreSQL, the audit and the image scan, and delivery staging → approved production with a rollback.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repositoryRoot } from './dockerfile-model.js';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Job {
  needs?: string[];
  environment?: string;
  services?: Record<string, { image: string }>;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const folder = path.join(repositoryRoot, '.github/workflows');
const source = (file: string) => readFileSync(path.join(folder, file), 'utf8');
const workflow = (file: string) => parse(source(file)) as Workflow;
const runs = (job: Job | undefined) =>
  (job?.steps ?? []).flatMap((step) => (step.run === undefined ? [] : [step.run])).join('\n');
const uses = (job: Job | undefined) => (job?.steps ?? []).map((step) => step.uses ?? '');

describe('GitHub workflows', () => {
  it('are valid workflows', () => {
    const files = readdirSync(folder).filter((file) => file.endsWith('.yml'));
    expect(files.sort()).toEqual(['ci.yml', 'deploy.yml', 'rollback.yml']);
    for (const file of files) expect(validateWorkflow(source(file)).errors, file).toEqual([]);
  });

  it('would catch a broken one', () => {
    const broken =
      'on: push\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: true\n    timeout: 5\n';
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });

  it('CI checks types, lint and format, runs .ci/run against PostgreSQL, audits and scans the image', () => {
    const { jobs } = workflow('ci.yml');
    expect(runs(jobs.checks)).toMatch(/npm run typecheck[\s\S]*npm run lint[\s\S]*npm run format:check/);
    expect(runs(jobs.test)).toBe('bash .ci/run');
    expect(jobs.test?.services?.postgres?.image).toMatch(/^postgres:/);
    expect(jobs.test?.env?.TEST_DATABASE_URL).toMatch(/^postgres:\/\/postgres@postgres:5432\//);
    expect(runs(jobs.audit)).toBe('npm audit --omit=dev --audit-level=high');
    expect(uses(jobs.image)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aquasecurity\/trivy-action@/)]),
    );
    const scan = jobs.image?.steps.find((step) => step.uses?.startsWith('aquasecurity/trivy-action'));
    expect(scan?.with?.['exit-code']).toBe('1');
  });

  it('delivery deploys tags to staging, then to production behind its environment approval', () => {
    const { on, jobs } = workflow('deploy.yml');
    expect(on.push).toEqual({ tags: ['v*.*.*'] });
    expect(on.workflow_dispatch).toBeDefined();
    expect(jobs.staging?.environment).toBe('staging');
    expect(jobs.production?.environment).toBe('production');
    expect(jobs.production?.needs).toContain('staging');
    expect(runs(jobs.staging)).toContain('bash deploy/kubernetes/deploy.sh staging');
    expect(runs(jobs.production)).toContain('bash deploy/kubernetes/deploy.sh production');
    expect(runs(workflow('rollback.yml').jobs.rollback)).toContain('bash deploy/kubernetes/rollback.sh');
  });
});

describe('deploy and rollback scripts', () => {
  it('are valid bash', () => {
    for (const script of ['deploy.sh', 'rollback.sh']) {
      const check = spawnSync('bash', ['-n', path.join(repositoryRoot, 'deploy/kubernetes', script)]);
      expect(check.status, script).toBe(0);
    }
  });

  it('refuse to run without an environment and a tag', () => {
    const run = spawnSync('bash', [path.join(repositoryRoot, 'deploy/kubernetes/deploy.sh')], {
      encoding: 'utf8',
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('usage: deploy.sh');
    expect(() =>
      execFileSync('bash', [path.join(repositoryRoot, 'deploy/kubernetes/rollback.sh')], { stdio: 'pipe' }),
    ).toThrow();
  });
});
