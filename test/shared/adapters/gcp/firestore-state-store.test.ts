import { describe, expect, it } from 'vitest';
import {
  FIRESTORE_COLLECTIONS, FirestoreStateStore, hashedDocId, mapFirestoreError,
} from '../../../../shared/adapters/gcp/firestore-state-store.ts';
import { PermanentError, TransientError } from '../../../../shared/runtime/errors.ts';
import type { StateStore } from '../../../../shared/ports/state-store.ts';
import { stateStoreContract } from '../../../contract/state-store.contract.ts';

const emulator = process.env.FIRESTORE_EMULATOR_HOST;
const projectId = process.env.FIRESTORE_PROJECT_ID ?? 'demo-stackctl';
// Every store gets its own collections, so tests never see each other's documents.
const runTag = `t${Date.now().toString(36)}`;
let storeNo = 0;

const prefixOf = new WeakMap<StateStore, string>();

describe.runIf(emulator)(`FirestoreStateStore against the emulator at ${emulator}`, () => {
  stateStoreContract('FirestoreStateStore', (clock, peerOf) => {
    const collectionPrefix = (peerOf && prefixOf.get(peerOf)) ?? `${runTag}-${storeNo++}-`;
    const store = new FirestoreStateStore({ projectId, clock, collectionPrefix });
    prefixOf.set(store, collectionPrefix);
    return store;
  }, { concurrentClaimers: 8 });
});

describe('FirestoreStateStore without a server', () => {
  it('maps contention, unavailability, deadlines and quota to TransientError', () => {
    for (const code of [10, 14, 4, 8]) {
      const mapped = mapFirestoreError(Object.assign(new Error(`${code} STATUS: boom`), { code }), 'claim');
      expect(mapped, `code ${code}`).toBeInstanceOf(TransientError);
      expect(mapped).toMatchObject({ code, where: 'claim' });
      expect((mapped as Error).message).toMatch(/firestore claim failed: .*boom/);
    }
  });

  it('maps other statuses to PermanentError and passes everything else through', () => {
    expect(mapFirestoreError(Object.assign(new Error('denied'), { code: 7 }), 'listRuns')).toBeInstanceOf(PermanentError);
    const ours = new TransientError('already classified');
    expect(mapFirestoreError(ours, 'x')).toBe(ours);
    const plain = new Error('run r1: status transition a → b is not allowed');
    expect(mapFirestoreError(plain, 'x')).toBe(plain);
  });

  it('hashes keys into safe, distinct document ids', () => {
    const id = hashedDocId('projects/p/locations/l/jobs/backup@2026-03-01T00:00:00Z');
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(hashedDocId('a', 'bc')).not.toBe(hashedDocId('ab', 'c'));
    expect(hashedDocId('ns', 'k')).toBe(hashedDocId('ns', 'k'));
  });

  it('names its collections as the issue does (plus the parked-delivery queue and the status-event outbox)', () => {
    expect([...FIRESTORE_COLLECTIONS]).toEqual(['runs', 'idempotencyKeys', 'leases', 'audit', 'deadLetters', 'kv', 'parked', 'outbox']);
  });

  it('refuses bad input before touching the network', async () => {
    const store = new FirestoreStateStore({ projectId: 'unused-project' });
    await expect(store.claim('k', { id: 'a/b', flow: 'provisioning' })).rejects.toThrow(/init.id "a\/b" cannot be a Firestore document id/);
    await expect(store.claim('', { id: 'ok', flow: 'provisioning' })).rejects.toThrow(/key must be a non-empty string/);
    await expect(store.acquireLease('t', 'o', -5)).rejects.toThrow(/ttlMs/);
    await expect(store.listRuns({ limit: 1.5 })).rejects.toThrow(/limit/);
    await expect(store.putValue('n', 'k', undefined)).rejects.toThrow(/JSON/);
    await store.close();
    await expect(store.getValue('n', 'k')).rejects.toThrow(/closed/);
  });

  it('requires a project id', () => {
    expect(() => new FirestoreStateStore({ projectId: '' })).toThrow(/projectId/);
  });
});
