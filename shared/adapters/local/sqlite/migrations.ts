/**
 * Schema of the SQLite state store, versioned with `PRAGMA user_version`. Each migration runs
 * once, in order, inside BEGIN IMMEDIATE so two processes opening a fresh file at the same time
 * do not both try to create the tables. Most rows keep the whole record as JSON in `doc`, the other
 * columns existing only to be filtered, ordered and kept unique. Runs (since 3) keep one column per
 * field and their steps in `run_steps`, so an update writes only what it changes and a step is one
 * appended row: the hot path never re-parses and rewrites a whole run.
 */
import type Database from 'better-sqlite3';

export const MIGRATIONS: readonly string[] = [
  // 1: initial schema
  `
  CREATE TABLE runs (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    key        TEXT NOT NULL UNIQUE,
    flow       TEXT NOT NULL,
    status     TEXT NOT NULL,
    target     TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    doc        TEXT NOT NULL
  );
  CREATE INDEX runs_by_created ON runs (created_at DESC, seq DESC);
  CREATE INDEX runs_by_flow ON runs (flow, created_at DESC);
  CREATE INDEX runs_by_status ON runs (status, created_at DESC);
  CREATE INDEX runs_by_target ON runs (target, created_at DESC);

  CREATE TABLE leases (
    target     TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    expires_ms INTEGER NOT NULL
  );

  CREATE TABLE audit (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    id     TEXT NOT NULL UNIQUE,
    at     TEXT NOT NULL,
    flow   TEXT NOT NULL,
    run_id TEXT,
    target TEXT,
    result TEXT NOT NULL,
    doc    TEXT NOT NULL
  );
  CREATE INDEX audit_by_at ON audit (at DESC, seq DESC);
  CREATE INDEX audit_by_run ON audit (run_id, at DESC);
  CREATE INDEX audit_by_target ON audit (target, at DESC);

  CREATE TABLE dead_letters (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    id       TEXT NOT NULL UNIQUE,
    at       TEXT NOT NULL,
    flow     TEXT NOT NULL,
    replayed INTEGER NOT NULL DEFAULT 0,
    doc      TEXT NOT NULL
  );
  CREATE INDEX dead_letters_by_at ON dead_letters (replayed, at DESC, seq DESC);

  CREATE TABLE kv (
    namespace  TEXT NOT NULL,
    key        TEXT NOT NULL,
    version    INTEGER NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (namespace, key)
  );
  `,
  // 2: parked deliveries, the per-target queue of work that found its target busy
  `
  CREATE TABLE parked (
    id        TEXT PRIMARY KEY,
    target    TEXT NOT NULL,
    key       TEXT NOT NULL,
    parked_at TEXT NOT NULL,
    doc       TEXT NOT NULL,
    UNIQUE (target, key)
  );
  CREATE INDEX parked_by_target ON parked (target, parked_at, id);
  `,
  // 3: runs by field with appendable steps; the status-event outbox. Every page a transaction
  // dirties is written to the WAL (two write calls each), so the tables a delivery writes keep few
  // b-trees: plain rowids (AUTOINCREMENT writes sqlite_sequence too; runs and audit are never
  // deleted, so their rowids only grow anyway) and no unique index on audit ids (random UUIDs,
  // never looked up).
  `
  CREATE TABLE runs_v3 (
    seq              INTEGER PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    key              TEXT NOT NULL UNIQUE,
    flow             TEXT NOT NULL,
    status           TEXT NOT NULL,
    target           TEXT,
    attempts         INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    lease_expires_at TEXT,
    input            TEXT,
    result           TEXT,
    error            TEXT,
    refs             TEXT
  );
  INSERT INTO runs_v3 (seq, id, key, flow, status, target, attempts, created_at, updated_at, lease_expires_at, input, result, error, refs)
    SELECT seq, id, key, flow, status, target, COALESCE(doc ->> '$.attempts', 0), created_at, updated_at,
           doc ->> '$.leaseExpiresAt', doc -> '$.input', doc -> '$.result', doc -> '$.error', doc -> '$.refs'
    FROM runs;
  CREATE TABLE run_steps (
    run_id TEXT NOT NULL,
    idx    INTEGER NOT NULL,
    doc    TEXT NOT NULL,
    PRIMARY KEY (run_id, idx)
  ) WITHOUT ROWID;
  INSERT INTO run_steps (run_id, idx, doc)
    SELECT r.id, CAST(j.key AS INTEGER), j.value FROM runs r, json_each(r.doc, '$.steps') j;
  DROP TABLE runs;
  ALTER TABLE runs_v3 RENAME TO runs;
  CREATE INDEX runs_by_created ON runs (created_at DESC, seq DESC);
  CREATE INDEX runs_by_flow ON runs (flow, created_at DESC);
  CREATE INDEX runs_by_status ON runs (status, created_at DESC);
  CREATE INDEX runs_by_target ON runs (target, created_at DESC);

  CREATE TABLE audit_v3 (
    seq    INTEGER PRIMARY KEY,
    id     TEXT NOT NULL,
    at     TEXT NOT NULL,
    flow   TEXT NOT NULL,
    run_id TEXT,
    target TEXT,
    result TEXT NOT NULL,
    doc    TEXT NOT NULL
  );
  INSERT INTO audit_v3 (seq, id, at, flow, run_id, target, result, doc) SELECT seq, id, at, flow, run_id, target, result, doc FROM audit;
  DROP TABLE audit;
  ALTER TABLE audit_v3 RENAME TO audit;
  CREATE INDEX audit_by_at ON audit (at DESC, seq DESC);
  CREATE INDEX audit_by_run ON audit (run_id, at DESC);
  CREATE INDEX audit_by_target ON audit (target, at DESC);

  -- A published entry's rowid may be used again; every settlement is guarded by its claimer, so a
  -- late one never touches a newer entry.
  CREATE TABLE outbox (
    seq              INTEGER PRIMARY KEY,
    run_id           TEXT NOT NULL,
    flow             TEXT NOT NULL,
    topic            TEXT NOT NULL,
    data             TEXT NOT NULL,
    attributes       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    last_attempt_at  TEXT,
    next_attempt_ms  INTEGER,
    claimed_by       TEXT,
    claimed_until_ms INTEGER
  );
  CREATE INDEX outbox_by_run ON outbox (run_id, seq);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database.Database, filePath: string): void {
  const apply = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION) {
      throw new Error(`state store ${filePath} has schema version ${current}, newer than this code understands (${SCHEMA_VERSION}); upgrade stackctl or use another --data-dir`);
    }
    for (let version = current; version < SCHEMA_VERSION; version++) {
      db.exec(MIGRATIONS[version]);
    }
    if (current !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  });
  apply.immediate();
}
