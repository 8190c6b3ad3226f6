/**
 * Every fixed statement of the SQLite state store, prepared once per connection. Lease and
 * compare-and-set writes are single statements (upsert with a guarded DO UPDATE, RETURNING),
 * so they are atomic without an explicit transaction.
 */
import type Database from 'better-sqlite3';

/** A run's columns, its steps folded into one JSON array (one statement, one parse per run). */
export const RUN_COLUMNS = `id, key, flow, status, target, attempts, created_at, updated_at, lease_expires_at, input, result, error, refs,
  (SELECT json_group_array(json(doc)) FROM (SELECT doc FROM run_steps WHERE run_steps.run_id = runs.id ORDER BY idx)) AS steps`;

export function prepareStatements(db: Database.Database) {
  return {
    insertRun: db.prepare(
      `INSERT INTO runs (id, key, flow, status, target, attempts, created_at, updated_at, lease_expires_at, input)
       VALUES (@id, @key, @flow, @status, @target, @attempts, @createdAt, @updatedAt, @leaseExpiresAt, @input)
       ON CONFLICT (key) DO NOTHING`),
    runByKey: db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE key = ?`),
    runById: db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`),
    runStatus: db.prepare('SELECT status FROM runs WHERE id = ?').pluck(),
    resumeRun: db.prepare(
      `UPDATE runs SET status = 'running', attempts = attempts + 1, lease_expires_at = @leaseExpiresAt, updated_at = @updatedAt
       WHERE id = @id`),
    touchRun: db.prepare('UPDATE runs SET updated_at = @updatedAt WHERE id = @id'),
    // The next index, unless the run already has this very step.
    appendStep: db.prepare(
      `INSERT INTO run_steps (run_id, idx, doc)
       SELECT @runId, (SELECT COALESCE(MAX(idx) + 1, 0) FROM run_steps WHERE run_id = @runId), @doc
       WHERE NOT EXISTS (SELECT 1 FROM run_steps WHERE run_id = @runId AND doc = @doc)`),
    insertStep: db.prepare('INSERT INTO run_steps (run_id, idx, doc) VALUES (@runId, @idx, @doc)'),
    deleteSteps: db.prepare('DELETE FROM run_steps WHERE run_id = ?'),
    leaseOwner: db.prepare('SELECT owner FROM leases WHERE target = ?').pluck(),
    anyParked: db.prepare('SELECT 1 FROM parked WHERE target = ? LIMIT 1').pluck(),
    insertOutbox: db.prepare(
      `INSERT INTO outbox (run_id, flow, topic, data, attributes, created_at, claimed_by, claimed_until_ms)
       VALUES (@runId, @flow, @topic, @data, @attributes, @createdAt, @claimedBy, @claimedUntilMs)
       RETURNING *`),
    outboxOfRun: db.prepare('SELECT 1 FROM outbox WHERE run_id = ? LIMIT 1').pluck(),
    // An entry's id is its seq (the primary key): one b-tree fewer to write per event than a separate id.
    outboxScan: db.prepare('SELECT seq, run_id, claimed_until_ms, next_attempt_ms FROM outbox ORDER BY seq LIMIT ?'),
    claimOutbox: db.prepare('UPDATE outbox SET claimed_by = @owner, claimed_until_ms = @untilMs WHERE seq = @seq RETURNING *'),
    deleteOutbox: db.prepare('DELETE FROM outbox WHERE seq = @seq AND claimed_by = @owner'),
    failOutbox: db.prepare(
      `UPDATE outbox SET attempts = attempts + 1, last_error = @error, last_attempt_at = @at, next_attempt_ms = @retryMs,
         claimed_by = NULL, claimed_until_ms = NULL
       WHERE seq = @seq AND claimed_by = @owner RETURNING *`),
    releaseOutbox: db.prepare('UPDATE outbox SET claimed_by = NULL, claimed_until_ms = NULL WHERE seq = @seq AND claimed_by = @owner'),
    listOutbox: db.prepare('SELECT * FROM outbox ORDER BY seq LIMIT ?'),
    listOutboxOfRun: db.prepare('SELECT * FROM outbox WHERE run_id = ? ORDER BY seq LIMIT ?'),
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
