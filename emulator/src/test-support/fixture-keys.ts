// Compares an emulated object with the keys of Stripe's official sample of that object.
import { readFileSync } from 'node:fs';

/** The key skeleton of Stripe's samples (`emulator/stripe-reference/object-keys.json`, derived from fixtures3.json). */
const OBJECT_KEYS_PATH = new URL('../../stripe-reference/object-keys.json', import.meta.url);

let samples: Record<string, unknown> | undefined;

function fixtureSample(objectName: string): Record<string, unknown> {
  samples ??= (JSON.parse(readFileSync(OBJECT_KEYS_PATH, 'utf8')) as { resources: Record<string, unknown> })
    .resources;
  const sample = samples[objectName];
  if (!isPlainObject(sample)) throw new Error(`object-keys.json has no sample named ${objectName}`);
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
