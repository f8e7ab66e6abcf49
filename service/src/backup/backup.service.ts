// Logical backup and restore of the billing database with nothing but Node and a PostgreSQL connection (no
// pg_dump, whose version must match the server's): create a file from one snapshot, restore it into a new
// empty database at the same schema version, and compare two databases table by table.
import type { Pool } from '../db/pool.js';
import type { Logger } from '../observability/logger.js';
import { compareDatabases, type DatabaseComparison } from './compare-databases.js';
import { createBackup, type BackupSummary } from './create-backup.js';
import { restoreBackup, type RestoreSummary } from './restore-backup.js';

export type { BackupSummary } from './create-backup.js';
export type { RestoreSummary } from './restore-backup.js';
export type { DatabaseComparison } from './compare-databases.js';

export interface BackupService {
  /** Backs up the service's own database (DATABASE_URL) to a new file. */
  createBackup: (file: string) => Promise<BackupSummary>;
  /** Restores a backup file into the empty database at `databaseUrl`; refuses one that has tables. */
  restoreBackup: (file: string, databaseUrl: string) => Promise<RestoreSummary>;
  /** Schema versions, row counts and checksums of every billing table of two databases. */
  compareDatabases: (firstUrl: string, secondUrl: string) => Promise<DatabaseComparison>;
}

export function createBackupService(options: { pool: Pool; logger: Logger }): BackupService {
  return {
    createBackup: (file) => createBackup(options.pool, file),
    restoreBackup: (file, databaseUrl) => restoreBackup({ file, databaseUrl, logger: options.logger }),
    compareDatabases,
  };
}
