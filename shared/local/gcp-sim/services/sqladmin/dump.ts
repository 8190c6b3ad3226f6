/**
 * The SQL dump an export writes: what `mysqldump --databases` (or pg_dump) would produce for the
 * simulated data. The write log stands in for each database's rows: an entry whose `database`
 * field names a database belongs to it; any other entry belongs to every database (instance-wide
 * data). Cloud SQL compresses the file when the URI ends in `.gz`, and so does this.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { WriteEntry } from './state.ts';

export interface DumpInput {
  project: string;
  instance: string;
  databaseVersion: string;
  /** Databases to dump, in order (an empty request means every database of the instance). */
  databases: string[];
  writes: WriteEntry[];
  at: number;
  gzip: boolean;
}

export function writesOf(database: string, writes: readonly WriteEntry[]): WriteEntry[] {
  return writes.filter((w) => {
    const db = (w.entry as { database?: unknown } | null)?.database;
    return typeof db !== 'string' || db === database;
  });
}

export function sqlDump(input: DumpInput): Buffer {
  const mysql = input.databaseVersion.startsWith('MYSQL');
  const q = (id: string) => (mysql ? `\`${id.replace(/`/g, '``')}\`` : `"${id.replace(/"/g, '""')}"`);
  const lit = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  const lines = [
    `-- ${mysql ? 'MySQL' : 'PostgreSQL'} dump of ${input.project}:${input.instance} (${input.databaseVersion}) taken by gcp-sim at ${new Date(input.at).toISOString()}`,
    `-- Databases: ${input.databases.join(', ')}`,
  ];
  for (const db of input.databases) {
    const rows = writesOf(db, input.writes.filter((w) => w.at <= input.at));
    lines.push('', `-- Current Database: ${q(db)}`, `CREATE DATABASE IF NOT EXISTS ${q(db)};`, mysql ? `USE ${q(db)};` : `\\connect ${q(db)}`);
    lines.push(`CREATE TABLE IF NOT EXISTS ${q('__sim_write_log')} (${q('at')} ${mysql ? 'DATETIME(3)' : 'TIMESTAMPTZ'} NOT NULL, ${q('entry')} ${mysql ? 'JSON' : 'JSONB'} NOT NULL);`);
    for (const w of rows) {
      lines.push(`INSERT INTO ${q('__sim_write_log')} VALUES (${lit(new Date(w.at).toISOString())}, ${lit(JSON.stringify(w.entry))});`);
    }
    lines.push(`-- ${rows.length} rows in ${q(db)}.${q('__sim_write_log')}`);
  }
  lines.push('', '-- Dump completed');
  const text = Buffer.from(`${lines.join('\n')}\n`);
  return input.gzip ? gzipSync(text) : text;
}

/** Reads a dump back (tests, the drill's check): databases in order with their rows. */
export function parseSqlDump(data: Buffer): { databases: Array<{ name: string; rows: Array<{ at: string; entry: unknown }> }>; complete: boolean } {
  const text = (data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data).toString('utf8');
  const out: Array<{ name: string; rows: Array<{ at: string; entry: unknown }> }> = [];
  for (const line of text.split('\n')) {
    const db = /^CREATE DATABASE IF NOT EXISTS [`"](.+)[`"];$/.exec(line);
    if (db) { out.push({ name: db[1]!, rows: [] }); continue; }
    const row = /^INSERT INTO [`"]__sim_write_log[`"] VALUES \('([^']*)', '(.*)'\);$/.exec(line);
    if (row && out.length) out.at(-1)!.rows.push({ at: row[1]!, entry: JSON.parse(row[2]!.replace(/''/g, "'").replace(/\\\\/g, '\\')) });
  }
  return { databases: out, complete: text.trimEnd().endsWith('-- Dump completed') };
}

