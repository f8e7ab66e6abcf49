// Maps a compiled file the image runs (service/dist/worker.js) back to the source it is built from, so manifests
// and compose commands can be checked against the repository without a build.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repositoryRoot } from './dockerfile-model.js';

export function sourceOfBuiltFile(builtFile: string): string {
  const source = builtFile.replace(/^(service|emulator)\/dist\/(.*)\.js$/, '$1/src/$2.ts');
  return path.join(repositoryRoot, source);
}

/** True when `node <file>` would find its file in the image: a built source, or a file copied as is. */
export function imageFileExists(file: string): boolean {
  return existsSync(file.includes('/dist/') ? sourceOfBuiltFile(file) : path.join(repositoryRoot, file));
}
