import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStateStore, SqliteStateStore } from '../../../../shared/adapters/local/sqlite-state-store.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { TransientError } from '../../../../shared/runtime/errors.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../../shared/adapters/local/sqlite/migrations.ts';
import { stateStoreContract } from '../../../contract/state-store.contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'sqlite-state-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
const freshFile = () => join(dir, `contract-${fileNo++}`, 'state.db');

stateStoreContract('SqliteStateStore (file, WAL)', (clock, peerOf) => openSqliteStateStore(
  peerOf instanceof SqliteStateStore ? peerOf.filePath : freshFile(), { clock },
));
stateStoreContract('SqliteStateStore (:memory:)', (clock) => openSqliteStateStore(':memory:', { clock }), { concurrentClaimers: 5, supportsPeers: false });

describe('SqliteStateStore file handling', () => {
  it('creates parent directories, uses WAL and records the schema version', async () => {
    const file = join(dir, 'deep', 'er', 'state.db');
    const store = openSqliteStateStore(file);
    await store.close();
    expect(existsSync(file)).toBe(true);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('keeps everything across a reopen', async () => {
    const file = freshFile();
    const clock = new VirtualClock('2026-05-01T00:00:00Z');
    const first = openSqliteStateStore(file, { clock });
    await first.claim('k', { id: 'run-1', flow: 'budgets', input: { budget: 'b-1' } });
    await first.acquireLease('t', 'worker-a', 60_000);
    await first.putValue('ns', 'k', { n: 1 }, 0);
    const letter = await first.putDeadLetter({ flow: 'budgets', topic: 'cp-billing-budgets', raw: { data: 'e30=', attributes: {} }, reason: 'bad' });
    await first.appendAudit({ flow: 'budgets', actor: 'x', action: 'y', result: 'ok' });
    await first.close();

    const second = openSqliteStateStore(file, { clock });
    expect((await second.claim('k', { id: 'run-2', flow: 'budgets' })).run).toMatchObject({ id: 'run-1', input: { budget: 'b-1' } });
    expect(await second.acquireLease('t', 'worker-b', 60_000)).toBeNull();
    expect(await second.getValue('ns', 'k')).toEqual({ value: { n: 1 }, version: 1 });
    expect((await second.getDeadLetter(letter.id))?.reason).toBe('bad');
    expect(await second.queryAudit()).toHaveLength(1);
    await second.close();
  });

  it('reports a write lock held past busy_timeout as a TransientError', async () => {
    const file = freshFile();
    const store = openSqliteStateStore(file, { busyTimeoutMs: 20 });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(store.claim('k', { id: 'run-1', flow: 'alerts' })).rejects.toBeInstanceOf(TransientError);
      await expect(store.acquireLease('t', 'worker-a', 1_000)).rejects.toThrow(/busy \(acquireLease\)/);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await store.claim('k', { id: 'run-1', flow: 'alerts' })).claimed).toBe(true);
    await store.close();
  });

  it('moves the runs of a schema-2 file (one JSON document each) to their columns and steps', async () => {
    const file = freshFile();
    mkdirSync(dirname(file), { recursive: true });
    const old = new Database(file);
    old.exec(MIGRATIONS[0]!);
    old.exec(MIGRATIONS[1]!);
    old.pragma('user_version = 2');
    const run = {
      id: 'run-1', flow: 'provisioning', key: 'k-1', status: 'retrying', target: 'workspace:a', attempts: 2,
      createdAt: '2026-05-01T00:00:00.000Z', updatedAt: '2026-05-01T00:01:00.000Z', input: 'just a string', result: { n: [1, null] },
      error: { class: 'transient', message: '503' }, refs: { execution: 'e-1' },
      steps: [{ name: 'a', status: 'succeeded', at: '2026-05-01T00:00:10.000Z' }, { name: 'b', status: 'failed', detail: 'x', at: '2026-05-01T00:00:20.000Z' }],
    };
    const bare = { id: 'run-2', flow: 'budgets', key: 'k-2', status: 'succeeded', attempts: 1, createdAt: '2026-05-01T00:02:00.000Z', updatedAt: '2026-05-01T00:02:00.000Z', steps: [] };
    const insert = old.prepare('INSERT INTO runs (id, key, flow, status, target, created_at, updated_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (const r of [run, bare]) insert.run(r.id, r.key, r.flow, r.status, (r as { target?: string }).target ?? null, r.createdAt, r.updatedAt, JSON.stringify(r));
    const audit = { id: 'a-1', at: '2026-05-01T00:03:00.000Z', flow: 'budgets', runId: 'run-2', actor: 'x', action: 'y', result: 'ok' };
    old.prepare('INSERT INTO audit (id, at, flow, run_id, target, result, doc) VALUES (?, ?, ?, ?, NULL, ?, ?)').run(audit.id, audit.at, audit.flow, audit.runId, audit.result, JSON.stringify(audit));
    old.close();

    const store = openSqliteStateStore(file, { clock: new VirtualClock('2026-05-01T01:00:00Z') });
    expect(await store.getRun('run-1')).toEqual(run);
    expect(await store.getRunByKey('k-2')).toEqual(bare);
    expect((await store.listRuns()).map((r) => r.id)).toEqual(['run-2', 'run-1']);
    expect(await store.queryAudit({ runId: 'run-2' })).toEqual([audit]);
    await store.appendAudit({ flow: 'budgets', runId: 'run-2', actor: 'x', action: 'z', result: 'ok' });
    expect((await store.queryAudit({ runId: 'run-2' })).map((a) => a.action)).toEqual(['z', 'y']);
    await store.appendRunStep('run-1', { name: 'c', status: 'succeeded', at: '2026-05-01T01:00:00.000Z' });
    expect((await store.getRun('run-1'))!.steps.map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect((await store.claim('k-3', { id: 'run-3', flow: 'budgets' })).claimed).toBe(true);
    await store.close();
  });

  it('refuses a file written by a newer schema, saying so', () => {
    const file = freshFile();
    openSqliteStateStore(file).close().catch(() => undefined);
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openSqliteStateStore(file)).toThrow(/schema version .*newer/);
  });
});

describe('SqliteStateStore across processes', () => {
  const child = fileURLToPath(new URL('../../../fixtures/state-store/claim-child.ts', import.meta.url));
  const RACERS = 3;
  const KEYS = 200;

  function startRacer(dbFile: string, racer: string): { proc: ChildProcessWithoutNullStreams; ready: Promise<void>; done: Promise<{ racer: string; won: string[]; runIdByKey: Record<string, string> }> } {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dbFile, 'race', String(KEYS), racer], { stdio: 'pipe' });
    const lines = createInterface({ input: proc.stdout });
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => { markReady = resolve; });
    const done = new Promise<{ racer: string; won: string[]; runIdByKey: Record<string, string> }>((resolve, reject) => {
      let result: string | undefined;
      lines.on('line', (line) => {
        if (line === 'ready') markReady();
        else result = line;
      });
      proc.on('close', (code) => {
        if (code === 0 && result) resolve(JSON.parse(result));
        else reject(new Error(`racer ${racer} exited with ${code}: ${stderr}`));
      });
    });
    // A racer that dies before "ready" must fail the test, not hang it.
    done.catch(() => markReady());
    return { proc, ready, done };
  }

  it(`gives exactly one winner per key when ${RACERS} processes race for ${KEYS} keys`, async () => {
    const dbFile = join(dir, 'race', 'state.db');
    openSqliteStateStore(dbFile).close().catch(() => undefined); // schema in place before the race
    const racers = Array.from({ length: RACERS }, (_, i) => startRacer(dbFile, `racer${i}`));
    try {
      await Promise.all(racers.map((r) => r.ready));
      for (const r of racers) r.proc.stdin.end('go\n');
      const results = await Promise.all(racers.map((r) => r.done));

      const winners = new Map<string, string[]>();
      for (const { racer, won } of results) {
        for (const key of won) winners.set(key, [...(winners.get(key) ?? []), racer]);
      }
      expect(winners.size).toBe(KEYS);
      for (const [key, who] of winners) expect(who, key).toHaveLength(1);
      for (let i = 0; i < KEYS; i++) {
        const key = `race-${i}`;
        const seen = new Set(results.map((r) => r.runIdByKey[key]));
        expect(seen, key).toEqual(new Set([`${winners.get(key)![0]}-${key}`]));
      }
      const store = openSqliteStateStore(dbFile);
      expect(await store.listRuns()).toHaveLength(KEYS);
      await store.close();
    } finally {
      for (const r of racers) if (r.proc.exitCode === null) r.proc.kill();
    }
  });
});
