// The logical backup's file: gzip (node:zlib) of one JSON header line, then each table's rows in COPY's text
// format each closed by a `\.` line (in foreign-key order), then one JSON trailer line with the row counts and
// the SHA-256 of everything before it. Reading checks all of it, so a damaged or cut file is refused by name.
/* eslint-disable security/detect-non-literal-fs-filename -- the files are the operator's CLI arguments */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { SequenceValue, TableColumns } from './database-tables.repo.js';

export const BACKUP_FORMAT = 'billing-service-logical-backup';
export const BACKUP_FORMAT_VERSION = 1;
/** The line that closes a table's rows, as in COPY's text format (a data line can never be this: `\` is escaped). */
export const END_OF_TABLE = '\\.';

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_FORMAT_VERSION;
  created_at: string;
  server_version: string;
  /** The schema version: the migrations applied to the source, in order. */
  migrations: string[];
  /** In the order their rows follow: a table comes after every table it references. */
  tables: TableColumns[];
  sequences: SequenceValue[];
}

export interface BackupTrailer {
  row_counts: Record<string, number>;
  sha256: string;
}

/** A backup file that cannot be restored as it is: damaged, cut short, or not a backup at all. */
export class BackupFileError extends Error {
  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`${file} is not a complete billing backup: ${reason}`, options);
    this.name = 'BackupFileError';
  }
}

export type BackupRecord =
  | { kind: 'header'; header: BackupHeader }
  /** Complete COPY text lines (each ending in a newline) of one table. */
  | { kind: 'rows'; table: TableColumns; data: Buffer }
  | { kind: 'table_end'; table: TableColumns; rowCount: number }
  | { kind: 'trailer'; trailer: BackupTrailer };

const NEWLINE = 0x0a;
const END_OF_TABLE_BYTES = Buffer.from(END_OF_TABLE);

/**
 * Reads a backup file record by record. Throws BackupFileError when the file is not gzip, is damaged (gzip's
 * CRC, our SHA-256), is cut short (no trailer), or disagrees with itself (row counts); the last record is the
 * trailer, so a caller that writes as it reads must commit only after the loop ends.
 */
export async function* readBackupFile(file: string): AsyncGenerator<BackupRecord> {
  const input = createReadStream(file);
  const gunzip = createGunzip();
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  const hash = createHash('sha256');
  let header: BackupHeader | undefined;
  let trailer: BackupTrailer | undefined;
  let tableIndex = 0;
  let rowCount = 0;
  let remainder: Buffer = Buffer.alloc(0);
  const rowCounts: Record<string, number> = {};

  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const buffer = remainder.length === 0 ? chunk : Buffer.concat([remainder, chunk]);
      let start = 0;
      let rowsStart = -1;
      for (let end = buffer.indexOf(NEWLINE); end !== -1; end = buffer.indexOf(NEWLINE, start)) {
        const line = buffer.subarray(start, end);
        const lineStart = start;
        start = end + 1;
        if (trailer !== undefined) {
          throw new BackupFileError(file, 'it goes on after its trailer');
        }
        if (header === undefined) {
          hash.update(buffer.subarray(lineStart, start));
          header = parseHeader(file, line);
          yield { kind: 'header', header };
          continue;
        }
        const table = header.tables[tableIndex];
        if (table === undefined) {
          trailer = parseTrailer(file, line);
          checkTrailer(file, trailer, rowCounts, hash.digest('hex'));
          continue;
        }
        hash.update(buffer.subarray(lineStart, start));
        if (line.equals(END_OF_TABLE_BYTES)) {
          if (rowsStart !== -1) yield { kind: 'rows', table, data: buffer.subarray(rowsStart, lineStart) };
          rowsStart = -1;
          rowCounts[table.name] = rowCount;
          yield { kind: 'table_end', table, rowCount };
          tableIndex += 1;
          rowCount = 0;
          continue;
        }
        if (rowsStart === -1) rowsStart = lineStart;
        rowCount += 1;
      }
      const table = header?.tables[tableIndex];
      if (rowsStart !== -1 && table !== undefined) {
        yield { kind: 'rows', table, data: buffer.subarray(rowsStart, start) };
      }
      remainder = buffer.subarray(start);
    }
  } catch (error) {
    if (error instanceof BackupFileError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new BackupFileError(file, reason, { cause: error });
  } finally {
    input.destroy();
  }
  if (trailer !== undefined && remainder.length > 0) {
    throw new BackupFileError(file, 'it goes on after its trailer');
  }
  if (trailer === undefined) {
    const where =
      header === undefined
        ? 'before its header'
        : `in table ${header.tables[tableIndex]?.name ?? '(trailer)'}`;
    throw new BackupFileError(file, `it ends early, ${where}`);
  }
  yield { kind: 'trailer', trailer };
}

function parseJsonLine(file: string, line: Buffer, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // Reported below.
  }
  throw new BackupFileError(file, `its ${what} is not readable`);
}

function parseHeader(file: string, line: Buffer): BackupHeader {
  const header = parseJsonLine(file, line, 'header');
  if (header.format !== BACKUP_FORMAT) throw new BackupFileError(file, 'its header names another format');
  if (header.version !== BACKUP_FORMAT_VERSION) {
    throw new BackupFileError(
      file,
      `format version ${String(header.version)} is not ${BACKUP_FORMAT_VERSION}`,
    );
  }
  const valid =
    isStringArray(header.migrations) &&
    Array.isArray(header.tables) &&
    header.tables.every(
      (table: unknown) =>
        typeof (table as TableColumns).name === 'string' && isStringArray((table as TableColumns).columns),
    ) &&
    Array.isArray(header.sequences);
  if (!valid) throw new BackupFileError(file, 'its header lacks the migrations, tables or sequences');
  return header as unknown as BackupHeader;
}

function parseTrailer(file: string, line: Buffer): BackupTrailer {
  const trailer = parseJsonLine(file, line, 'trailer');
  if (typeof trailer.sha256 !== 'string' || typeof trailer.row_counts !== 'object') {
    throw new BackupFileError(file, 'its trailer lacks the row counts or checksum');
  }
  return trailer as unknown as BackupTrailer;
}

function checkTrailer(file: string, trailer: BackupTrailer, counted: Record<string, number>, sha256: string) {
  if (trailer.sha256 !== sha256) throw new BackupFileError(file, 'its content does not match its SHA-256');
  for (const [table, count] of Object.entries(counted)) {
    if (trailer.row_counts[table] !== count) {
      const stated = String(trailer.row_counts[table]);
      throw new BackupFileError(file, `table ${table} holds ${count} rows, its trailer says ${stated}`);
    }
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
