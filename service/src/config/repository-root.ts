// The repository root, for files the service reads beside its code (.env, migrations, the embedded database).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** service/src/config (or service/dist/config) is three levels below the repository root. */
export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
