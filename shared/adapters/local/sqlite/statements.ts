/**
 * Every fixed statement of the SQLite state store, prepared once per connection. Lease and
 * compare-and-set writes are single statements (upsert with a guarded DO UPDATE, RETURNING),
 * so they are atomic without an explicit transaction.
 */
import type Database from 'better-sqlite3';

export function prepareStatements(db: Database.Database) {
  return {
    insertRun: db.prepare(
      `INSERT INTO runs (id, key, flow, status, target, created_at, updated_at, doc)
       VALUES (@id, @key, @flow, @status, @target, @createdAt, @updatedAt, @doc)
       ON CONFLICT (key) DO NOTHING`),
    runByKey: db.prepare('SELECT doc FROM runs WHERE key = ?').pluck(),
    runById: db.prepare('SELECT doc FROM runs WHERE id = ?').pluck(),
    writeRun: db.prepare(
      'UPDATE runs SET status = @status, target = @target, updated_at = @updatedAt, doc = @doc WHERE id = @id'),
    // Free, expired, or already ours: take it. Anyone else's live lease: no row comes back.
    acquireLease: db.prepare(
      `INSERT INTO leases (target, owner, expires_ms) VALUES (@target, @owner, @expiresMs)
       ON CONFLICT (target) DO UPDATE SET owner = excluded.owner, expires_ms = excluded.expires_ms
       WHERE leases.owner = excluded.owner OR leases.expires_ms <= @nowMs
       RETURNING owner, expires_ms`),
    renewLease: db.prepare(
      'UPDATE leases SET expires_ms = @expiresMs WHERE target = @target AND owner = @owner AND expires_ms > @nowMs'),
    releaseLease: db.prepare('DELETE FROM leases WHERE target = @target AND owner = @owner'),
    insertAudit: db.prepare(
      `INSERT INTO audit (id, at, flow, run_id, target, result, doc)
       VALUES (@id, @at, @flow, @runId, @target, @result, @doc)`),
    insertDeadLetter: db.prepare(
      'INSERT INTO dead_letters (id, at, flow, replayed, doc) VALUES (@id, @at, @flow, @replayed, @doc)'),
    deadLetterById: db.prepare('SELECT doc FROM dead_letters WHERE id = ?').pluck(),
    markReplayed: db.prepare('UPDATE dead_letters SET replayed = 1, doc = @doc WHERE id = @id'),
    parkedByTargetKey: db.prepare('SELECT doc FROM parked WHERE target = ? AND key = ?').pluck(),
    upsertParked: db.prepare(
      `INSERT INTO parked (id, target, key, parked_at, doc) VALUES (@id, @target, @key, @parkedAt, @doc)
       ON CONFLICT (target, key) DO UPDATE SET parked_at = excluded.parked_at, doc = excluded.doc`),
    nextParked: db.prepare('SELECT doc FROM parked WHERE target = ? ORDER BY parked_at, id LIMIT 1').pluck(),
    deleteParked: db.prepare('DELETE FROM parked WHERE id = ?'),
    parkedTargets: db.prepare(
      'SELECT target, COUNT(*) AS count, MIN(parked_at) AS oldest FROM parked GROUP BY target ORDER BY oldest, target LIMIT ?'),
    getValue: db.prepare('SELECT value, version FROM kv WHERE namespace = ? AND key = ?'),
    versionOf: db.prepare('SELECT version FROM kv WHERE namespace = ? AND key = ?').pluck(),
    insertValue: db.prepare(
      `INSERT INTO kv (namespace, key, version, value, updated_at) VALUES (@namespace, @key, 1, @value, @at)
       ON CONFLICT (namespace, key) DO NOTHING`),
    upsertValue: db.prepare(
      `INSERT INTO kv (namespace, key, version, value, updated_at) VALUES (@namespace, @key, 1, @value, @at)
       ON CONFLICT (namespace, key) DO UPDATE SET version = kv.version + 1, value = excluded.value, updated_at = excluded.updated_at
       RETURNING version`).pluck(),
    casValue: db.prepare(
      `UPDATE kv SET version = version + 1, value = @value, updated_at = @at
       WHERE namespace = @namespace AND key = @key AND version = @expected
       RETURNING version`).pluck(),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
