// SQL of the logical backup: which tables, columns, foreign keys and sequences the public schema holds, the
// migrations applied, and the session settings that make COPY's text output the same on every server.
import type { Queryable } from '../db/queryable.js';
import { MIGRATIONS_TABLE } from '../db/migrations.js';

export interface TableColumns {
  name: string;
  /** Stored columns in their order (generated columns are left out: PostgreSQL computes them again). */
  columns: string[];
}

export interface SequenceValue {
  name: string;
  /** null when the sequence was never used. */
  last_value: string | null;
}

/**
 * Inside a transaction (SET LOCAL: a pooled connection gets its settings back). Fixed output settings for COPY
 * and row text: dates, intervals, floats and bytea render one way whatever the server's or role's defaults, so
 * a backup loads anywhere and two databases' checksums compare. No statement timeout: a big table's COPY is
 * one statement.
 */
export async function configureCopySession(db: Queryable): Promise<void> {
  await db.query(
    `SET LOCAL statement_timeout = 0; SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres';
     SET LOCAL extra_float_digits = 1; SET LOCAL bytea_output = 'hex'; SET LOCAL client_encoding = 'UTF8'`,
  );
}

/** The billing tables (every table of the public schema but the migrations' bookkeeping), by name. */
export async function listTables(db: Queryable): Promise<TableColumns[]> {
  const result = await db.query<TableColumns>(
    `SELECT c.relname::text AS name, array_agg(a.attname::text ORDER BY a.attnum) AS columns
     FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> $1
     GROUP BY c.relname
     ORDER BY c.relname`,
    [MIGRATIONS_TABLE],
  );
  return result.rows;
}

/** How many tables, views and sequences the public schema holds: a restore target must hold none. */
export async function countSchemaObjects(db: Queryable): Promise<number> {
  const result = await db.query<{ count: string }>(
    `SELECT count(*) AS count FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')`,
  );
  return Number(result.rows[0]?.count ?? 0);
}

/** Foreign keys between tables of the public schema: `child` references `parent`. */
export async function listForeignKeys(db: Queryable): Promise<Array<{ child: string; parent: string }>> {
  const result = await db.query<{ child: string; parent: string }>(
    `SELECT DISTINCT child.relname::text AS child, parent.relname::text AS parent
     FROM pg_constraint con
     JOIN pg_class child ON child.oid = con.conrelid
     JOIN pg_class parent ON parent.oid = con.confrelid
     JOIN pg_namespace n ON n.oid = child.relnamespace
     WHERE con.contype = 'f' AND n.nspname = 'public'`,
  );
  return result.rows;
}

/** The sequences of the public schema with their values, but the migrations table's own. */
export async function listSequenceValues(db: Queryable): Promise<SequenceValue[]> {
  const result = await db.query<SequenceValue>(
    `SELECT s.sequencename::text AS name, s.last_value::text AS last_value
     FROM pg_sequences s
     WHERE s.schemaname = 'public' AND NOT EXISTS (
       SELECT 1 FROM pg_depend d
       JOIN pg_class owner ON owner.oid = d.refobjid
       WHERE d.classid = 'pg_class'::regclass AND d.objid = format('public.%I', s.sequencename)::regclass
         AND d.deptype IN ('a', 'i') AND owner.relname = $1)
     ORDER BY s.sequencename`,
    [MIGRATIONS_TABLE],
  );
  return result.rows;
}

export async function setSequenceValue(db: Queryable, sequence: SequenceValue): Promise<void> {
  if (sequence.last_value === null) return;
  await db.query(`SELECT setval(format('public.%I', $1::text)::regclass, $2::bigint, true)`, [
    sequence.name,
    sequence.last_value,
  ]);
}

/** The schema version: the migrations applied, in the order they were; empty without the bookkeeping table. */
export async function listAppliedMigrations(db: Queryable): Promise<string[]> {
  const exists = await db.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [
    `public.${MIGRATIONS_TABLE}`,
  ]);
  if (exists.rows[0]?.exists !== true) return [];
  const result = await db.query<{ name: string }>(`SELECT name FROM public.${MIGRATIONS_TABLE} ORDER BY id`);
  return result.rows.map((row) => row.name);
}

/** Keeps the tables from being altered or dropped while the backup reads them (reads and writes go on). */
export async function lockTablesForReading(db: Queryable, tableNames: string[]): Promise<void> {
  if (tableNames.length === 0) return;
  const list = tableNames.map((name) => `public.${quoteIdentifier(name)}`).join(', ');
  await db.query(`LOCK TABLE ${list} IN ACCESS SHARE MODE`);
}

/** `COPY … TO STDOUT` of a table's stored columns (a query, so that partitioned tables copy too). */
export function copyTableOutStatement(table: TableColumns, orderByRowText = false): string {
  const columns = table.columns.map(quoteIdentifier).join(', ');
  const name = `public.${quoteIdentifier(table.name)}`;
  const order = orderByRowText ? ` ORDER BY t::text COLLATE "C"` : '';
  return `COPY (SELECT ${columns} FROM ${name} AS t${order}) TO STDOUT`;
}

export function copyTableInStatement(table: TableColumns): string {
  const columns = table.columns.map(quoteIdentifier).join(', ');
  return `COPY public.${quoteIdentifier(table.name)} (${columns}) FROM STDIN`;
}

/** PostgreSQL's identifier quoting (the names come from the catalog, but a name may hold any character). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
