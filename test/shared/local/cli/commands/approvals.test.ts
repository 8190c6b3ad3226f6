/**
 * approve/reject against a loopback server speaking the Workflow Executions wire format
 * (callbacks.list, and the callback URL), and the answer recorded on the remediation run.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStateStore } from '../../../../../shared/adapters/local/sqlite-state-store.ts';
import { VirtualClock } from '../../../../../shared/adapters/local/virtual-clock.ts';
import { answerApproval, pendingCallback, recordApproval, resolveExecution } from '../../../../../shared/local/cli/commands/approvals.ts';
import { CliError } from '../../../../../shared/local/cli/output.ts';

const EXECUTION = 'projects/local-project/locations/us-central1/workflows/pitr-restore/executions/abc-123';
const CALLBACK = `${EXECUTION}/callbacks/cb-1`;

let server: Server;
let base: string;
const received: Array<{ method: string; path: string; auth?: string; body: string }> = [];
let callbacks: unknown[] = [{ name: CALLBACK, method: 'POST', waiters: '1' }];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method!, path: req.url!, auth: req.headers.authorization, body: Buffer.concat(chunks).toString() });
      if (req.method === 'GET' && req.url === `/v1/${EXECUTION}/callbacks`) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ callbacks }));
      } else if (req.method === 'POST' && req.url === `/v1/${CALLBACK}`) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 404, message: `no route ${req.method} ${req.url}` } }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => { await new Promise<void>((r) => server.close(() => r())); });

describe('answerApproval', () => {
  it('lists the callbacks and POSTs {approved, approver, comment} to the waiting one', async () => {
    received.length = 0;
    const out = await answerApproval({ gcpSimUrl: base, execution: EXECUTION, answer: { approved: true, approver: 'ana', comment: 'restore it' } });
    expect(out).toEqual({ callback: CALLBACK });
    expect(received.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/${EXECUTION}/callbacks`, `POST /v1/${CALLBACK}`]);
    expect(JSON.parse(received[1]!.body)).toEqual({ approved: true, approver: 'ana', comment: 'restore it' });
    expect(received[0]!.auth).toMatch(/^Bearer /);
  });

  it('says so when the execution waits for nothing', async () => {
    callbacks = [];
    await expect(answerApproval({ gcpSimUrl: base, execution: EXECUTION, answer: { approved: false, approver: 'ana' } }))
      .rejects.toThrow(`execution ${EXECUTION} is not waiting for an approval (it has no active POST callback)`);
    callbacks = [{ name: CALLBACK, method: 'POST', waiters: '1' }];
  });

  it('reports an API error with its status and message', async () => {
    await expect(answerApproval({ gcpSimUrl: base, execution: `${EXECUTION}x`, answer: { approved: true, approver: 'ana' } }))
      .rejects.toThrow(/listing the callbacks of .*abc-123x failed with HTTP 404: no route GET/);
  });
});

describe('pendingCallback', () => {
  it.each([
    [[{ name: 'a', waiters: '0' }], 'a'],
    [[{ name: 'a', waiters: '0' }, { name: 'b', waiters: 1 }], 'b'],
    [[{ name: 'a', method: 'GET', waiters: 1 }, { name: 'b', method: 'POST' }], 'b'],
  ])('%j → %s', (list, expected) => {
    expect(pendingCallback(EXECUTION, list).name).toBe(expected);
  });

  it('refuses to guess between several', () => {
    expect(() => pendingCallback(EXECUTION, [{ name: 'a' }, { name: 'b' }])).toThrow(CliError);
  });
});

describe('resolveExecution and recordApproval', () => {
  it('finds the run by execution id, marks it approved and executing, and audits the answer', async () => {
    const clock = new VirtualClock('2026-01-01T00:00:00Z');
    const store = openSqliteStateStore(':memory:', { clock });
    try {
      const { run } = await store.claim('alerts:0.pitr:open', { id: 'run-1', flow: 'alerts', status: 'running' });
      await store.updateRun(run.id, { status: 'running' });
      await store.updateRun(run.id, { status: 'awaiting-approval', refs: { execution: EXECUTION, target: 'instance:zenml-metadata' } });

      expect(await resolveExecution(store, 'abc-123')).toBe(EXECUTION);
      expect(await resolveExecution(store, EXECUTION)).toBe(EXECUTION);
      await expect(resolveExecution(store, 'nope')).rejects.toThrow('no remediation waiting for approval has execution id nope');
      await expect(resolveExecution(store, 'a/b')).rejects.toThrow('is neither an execution name');

      const updated = await recordApproval(store, EXECUTION, { approved: true, approver: 'ana', comment: 'go' }, CALLBACK, clock.now());
      expect(updated).toMatchObject({ status: 'executing', refs: { execution: EXECUTION, approval: 'approved', approver: 'ana' } });
      const [audit] = await store.queryAudit({ runId: 'run-1' });
      expect(audit).toMatchObject({ flow: 'cli', actor: 'ana', action: 'alerts.approve', result: 'ok', reason: `approved execution ${EXECUTION}: go`, target: 'instance:zenml-metadata' });
    } finally {
      await store.close();
    }
  });
});
