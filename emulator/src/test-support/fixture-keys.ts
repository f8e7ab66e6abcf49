import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Stripe's official sample of every object (`shared/stripe-reference/fixtures3.json`, beside the repository:
 * CI clones the repo with shared/ next to it, so the path is computed from the repo root, not fixed).
 */
const REPO_ROOT = new URL('../../../', import.meta.url);
const FIXTURES_PATH = fileURLToPath(new URL('../shared/stripe-reference/fixtures3.json', REPO_ROOT));

let samples: Record<string, unknown> | undefined;

function fixtureSample(objectName: string): Record<string, unknown> {
  samples ??= (JSON.parse(readFileSync(FIXTURES_PATH, 'utf8')) as { resources: Record<string, unknown> })
    .resources;
  const sample = samples[objectName];
  if (!isPlainObject(sample)) throw new Error(`fixtures3.json has no sample named ${objectName}`);
  return sample;
}

/**
 * The keys Stripe's sample of `objectName` has and `object` lacks, as dot paths (`invoice_settings.footer`).
 * Nested hashes are compared where both sides hold one (a null in the emulated object is a legitimately unset
 * nullable field); arrays are not descended into. `ignore` lists paths whose subtree is not compared.
 */
export function missingFixtureKeys(objectName: string, object: unknown, ignore: string[] = []): string[] {
  const missing: string[] = [];
  compare(fixtureSample(objectName), object, '', new Set(ignore), missing);
  return missing;
}

function compare(
  sample: Record<string, unknown>,
  actual: unknown,
  prefix: string,
  ignore: Set<string>,
  missing: string[],
): void {
  if (!isPlainObject(actual)) return;
  for (const [key, sampleValue] of Object.entries(sample)) {
    const path = `${prefix}${key}`;
    if (ignore.has(path)) continue;
    if (!(key in actual)) {
      missing.push(path);
      continue;
    }
    if (isPlainObject(sampleValue)) compare(sampleValue, actual[key], `${path}.`, ignore, missing);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
