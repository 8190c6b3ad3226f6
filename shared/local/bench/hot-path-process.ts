/**
 * One side of the hot-path bench, in its own process: `--side pipeline` runs real budget
 * notifications through the handler pipeline with the store and publisher the local stack uses
 * (file SQLite, @google-cloud/pubsub against our emulator); `--side anchor` is a loop doing the
 * minimal I/O an event needs, one durable SQLite write and one awaited publish on the same
 * publisher. Prints {msPerEvent, events}.
 *
 * The pipeline side runs as the local stack does (STACKCTL_STATUS_FLUSH_WAIT_MS=0: a delivery
 * answers once its run and status event are committed, and the event is published from the outbox
 * right after), except in `--mode sequential-awaited`, which waits for each publish before
 * answering as production does. Either way its clock stops only once every status event was
 * published (the outbox drained, each publish acknowledged by the emulator) and counted.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { TOPICS } from '../../events/topics.ts';
import { budgetsFlow } from '../../flows/budgets/flow.ts';
import type { BudgetsDeps } from '../../flows/budgets/deps.ts';
import { localSimulatorAuth } from '../../adapters/local/local-auth.ts';
import { openSqliteStateStore } from '../../adapters/local/sqlite-state-store.ts';
import { PubsubPublisher } from '../../adapters/gcp/publisher.ts';
import { loadConfig } from '../../runtime/config.ts';
import { buildContainer } from '../../runtime/container.ts';
import { createLogger } from '../../runtime/logger.ts';
import { processMessage } from '../../runtime/pipeline.ts';
import { statusOutbox } from '../../runtime/outbox.ts';
import type { Publisher } from '../../ports/publisher.ts';
import type { PubsubMessage } from '../../events/envelope.ts';

const { values } = parseArgs({
  options: {
    side: { type: 'string' }, mode: { type: 'string' }, events: { type: 'string' },
    emulator: { type: 'string' }, dir: { type: 'string' }, project: { type: 'string' },
  },
});
const side = values.side;
const mode = values.mode ?? 'sequential';
if (!['sequential', 'concurrent', 'sequential-awaited'].includes(mode)) throw new Error(`--mode must be sequential, concurrent or sequential-awaited, got ${mode}`);
const concurrency = mode === 'concurrent' ? 32 : 1;
const events = Number(values.events ?? 1000);
const host = values.emulator!;
const projectId = values.project ?? 'bench-project';
const dir = values.dir!;
const warmup = Math.min(100, Math.ceil(events / 5));

function budgetMessage(i: number): PubsubMessage {
  const data = {
    budgetDisplayName: 'bench', costAmount: 1 + i, costIntervalStart: '2026-11-01T00:00:00Z', budgetAmount: 10,
    budgetAmountType: 'SPECIFIED_AMOUNT', currencyCode: 'USD',
  };
  return {
    data: Buffer.from(JSON.stringify(data)),
    attributes: { billingAccountId: '01D4EE-079462-DFD6EC', budgetId: `bench-${side}-${i}-${randomUUID().slice(0, 8)}`, schemaVersion: '1.0' },
    messageId: `m-${i}`,
    publishTime: new Date(),
    mode: 'push',
  };
}

/**
 * The events are routine budget updates (no threshold crossed): the act records the latest spend in
 * the state store and publishes its status event, and touches none of the flow's adapters, which
 * would only add simulated Monitoring and Argo CD calls to what is measured. Any use of them fails.
 */
const unused = (what: string) => new Proxy({}, { get: () => { throw new Error(`hot-path bench: a routine update must not use ${what}`); } });
const routineOnlyDeps: BudgetsDeps = {
  rules: () => { throw new Error('hot-path bench: a routine update must not read the budget rules'); },
  environment: 'prod',
  metrics: unused('Monitoring') as BudgetsDeps['metrics'],
  apps: unused('Argo CD') as BudgetsDeps['apps'],
  sql: unused('Cloud SQL') as BudgetsDeps['sql'],
};

/** Runs `work(i)` for i in [from, to) with `concurrency` in flight; returns elapsed ms. */
async function drive(from: number, to: number, work: (i: number) => Promise<void>): Promise<number> {
  let next = from;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < to) await work(next++);
  }));
  return performance.now() - started;
}

/** Counts the status events the emulator acknowledged. */
class CountingPublisher implements Publisher {
  statusEvents = 0;
  constructor(private readonly inner: PubsubPublisher) {}
  async publish(topic: string, data: unknown, attributes?: Record<string, string>): Promise<string> {
    const id = await this.inner.publish(topic, data, attributes);
    if (topic === TOPICS.events) this.statusEvents++;
    return id;
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

async function pipelineSide(): Promise<{ ms: number; statusEvents: number }> {
  const config = loadConfig({
    STACKCTL_MODE: 'local', GOOGLE_CLOUD_PROJECT: projectId, STACKCTL_STATE_STORE: 'sqlite', STACKCTL_DATA_DIR: dir,
    PUBSUB_EMULATOR_HOST: host, LOG_LEVEL: 'silent', STACKCTL_STATUS_FLUSH_WAIT_MS: mode === 'sequential-awaited' ? '10000' : '0',
  });
  const store = openSqliteStateStore(join(dir, `pipeline-${mode}.sqlite`));
  const publisher = new CountingPublisher(new PubsubPublisher({ projectId, emulatorHost: host, emulatorAuthClient: localSimulatorAuth().authClient }));
  const container = await buildContainer({ config, store, publisher, logger: createLogger({ level: 'silent' }), simulatorAuth: localSimulatorAuth() });
  const outbox = statusOutbox(container.deps);
  try {
    const work = async (i: number) => {
      const outcome = await processMessage(budgetsFlow, container.deps, routineOnlyDeps, budgetMessage(i));
      if (outcome.outcome !== 'processed') throw new Error(`event ${i}: ${JSON.stringify(outcome)}`);
    };
    await drive(0, warmup, work);
    await outbox.idle();
    const before = publisher.statusEvents;
    const started = performance.now();
    await drive(warmup, warmup + events, work);
    // The clock stops when the last status event is out, not when the last delivery answered.
    await outbox.idle();
    const ms = performance.now() - started;
    const statusEvents = publisher.statusEvents - before;
    const left = await store.listOutbox();
    if (statusEvents !== events || left.length > 0) {
      throw new Error(`hot-path bench: ${statusEvents} of ${events} status events published, ${left.length} left in the outbox${left[0]?.lastError ? ` (${left[0].lastError})` : ''}`);
    }
    return { ms, statusEvents };
  } finally {
    await container.close();
  }
}

async function anchorSide(): Promise<number> {
  const db = new Database(join(dir, 'anchor.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, doc TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO events (id, doc) VALUES (?, ?)');
  const publisher = new PubsubPublisher({ projectId, emulatorHost: host, emulatorAuthClient: localSimulatorAuth().authClient });
  try {
    const work = async (i: number) => {
      const m = budgetMessage(i);
      const id = randomUUID();
      insert.run(id, JSON.stringify({ id, key: m.attributes.budgetId, status: 'accepted', input: JSON.parse(m.data.toString()) }));
      await publisher.publish(TOPICS.events, { kind: 'RunStatus', runId: id, status: 'accepted', at: new Date().toISOString() }, { flow: 'budgets', kind: 'RunStatus' });
    };
    await drive(0, warmup, work);
    return await drive(warmup, warmup + events, work);
  } finally {
    await publisher.close();
    db.close();
  }
}

if (side !== 'pipeline' && side !== 'anchor') throw new Error(`--side must be pipeline or anchor, got ${String(side)}`);
const result = side === 'pipeline' ? await pipelineSide() : { ms: await anchorSide(), statusEvents: events };
process.stdout.write(`${JSON.stringify({ msPerEvent: result.ms / events, events, statusEvents: result.statusEvents })}\n`);
