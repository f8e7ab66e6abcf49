// Derives object-keys.json (the key skeleton of every sample object) from Stripe's fixtures3.json.
import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Usage: node derive-object-keys.js path/to/fixtures3.json
 * Keeps each sample's keys and its nested hashes; every other value (strings, numbers, arrays, nulls) becomes
 * null, since the key tests compare keys and descend only into hashes. Written beside this script.
 */
const [source] = process.argv.slice(2);
if (!source) {
  process.stderr.write('usage: node derive-object-keys.js path/to/fixtures3.json\n');
  process.exit(2);
}

function skeleton(value) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, skeleton(entry)]));
}

const { resources } = JSON.parse(readFileSync(source, 'utf8'));
const sorted = Object.fromEntries(
  Object.keys(resources)
    .sort()
    .map((name) => [name, skeleton(resources[name])]),
);
const target = new URL('./object-keys.json', import.meta.url);
writeFileSync(target, `${JSON.stringify({ resources: sorted }, null, 2)}\n`);
process.stdout.write(`wrote ${Object.keys(sorted).length} objects to ${target.pathname}\n`);
