/**
 * Chaos: malformed and hostile input on every topic, through the HTTP delivery decoder and the
 * pipeline. Each input must be acked and dead-lettered with a reason (never a crash, never a
 * retry loop, never lost) and must change nothing in the simulated cloud.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOWS, FUNCTIONS } from '../../shared/flows/definitions.ts';
import { processDelivery } from '../../shared/runtime/pipeline.ts';
import { ChaosCloud, figures, type Worker } from './harness.ts';

const example = (name: string) => JSON.parse(readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8')) as Record<string, any>;

/** A small deterministic PRNG, so a failure names an input that can be reproduced. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE = ['../../../__sim/faults', 'zenml-server/../mlflow', "'; DROP TABLE runs; --", '$(curl evil)', '%2e%2e%2f', '\u0000', 'x'.repeat(70_000), '{{ incident.x }}', '<script>', '\ud800'];

/** Mutations that make a valid document invalid for its schema, whatever the schema's looseness. */
function mutate(doc: Record<string, any>, required: string[], random: () => number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const copy = structuredClone(doc);
  switch (Math.floor(random() * 6)) {
    case 0: { const k = pick(required); delete copy[k]; return copy; }
    case 1: { const k = pick(required); copy[k] = pick([null, true, [], {}]); return copy; }
    case 2: { const k = pick(required); copy[k] = pick(HOSTILE); return copy; }
    case 3: return pick([null, 1, 'text', [], [copy]]);
    case 4: { let nested: unknown = copy; for (let i = 0; i < 200; i++) nested = { nested }; return nested; }
    default: return { ...copy, [pick(required)]: pick(HOSTILE).repeat(3) };
  }
}

/** Bytes that are not a JSON document at all. */
function garbage(random: () => number): Buffer {
  const kind = Math.floor(random() * 4);
  if (kind === 0) return Buffer.from(Array.from({ length: 1 + Math.floor(random() * 512) }, () => Math.floor(random() * 256)));
  if (kind === 1) return Buffer.from('{"apiVersion": "stackctl/v1", "kind": ');
  if (kind === 2) return Buffer.alloc(0);
  return Buffer.from(`${'['.repeat(5000)}`);
}

const CASES: Record<string, { doc: Record<string, any>; required: string[]; attributes?: Record<string, string> }> = {
  provisioning: { doc: example('workspace-create.json'), required: ['apiVersion', 'kind', 'requestId', 'action', 'workspace', 'environment', 'requestedBy'] },
  alerts: { doc: example('incident-redeploy.json'), required: ['version', 'incident'] },
  budgets: { doc: example('budget-alert.json'), required: ['costAmount', 'costIntervalStart', 'budgetAmount'], attributes: { budgetId: 'b-1', billingAccountId: '000000-000000-000000', schemaVersion: '1.0' } },
  backups: { doc: example('backup-job.json'), required: ['apiVersion', 'kind', 'job', 'task', 'instance'] },
  costReports: { doc: example('cost-job.json'), required: ['apiVersion', 'kind', 'job'] },
};

describe('chaos: malformed and hostile input on every topic', () => {
  let cloud: ChaosCloud;
  let worker: Worker;
  beforeAll(async () => {
    cloud = await ChaosCloud.start();
    worker = cloud.worker('fuzz');
  });
  afterAll(async () => cloud.close());

  it('every malformed input is acked and dead-lettered with a reason; nothing crashes, is lost or changes the cloud', async () => {
    // Everything but the dead-letter payloads the bucket receives: no effect anywhere.
    const effects = () => { const { storage, ...rest } = cloud.sim.summary(); return JSON.stringify({ ...rest, buckets: storage?.buckets }); };
    const before = effects();
    const random = prng(17);
    let inputs = 0;
    let crashes = 0;
    let notDeadLettered = 0;
    for (const fn of FUNCTIONS) {
      const { doc, required, attributes = {} } = CASES[fn.flow]!;
      for (let i = 0; i < 120; i++) {
        inputs++;
        const raw = i % 4 === 3 ? garbage(random) : Buffer.from(JSON.stringify(mutate(doc, required, random)));
        // Half arrive as raw push bodies, half as binary CloudEvents: both decoders are fuzzed.
        const push = i % 2 === 0;
        const headers = push ? { 'content-type': 'application/json' } : {
          'content-type': 'application/json', 'ce-id': `fuzz-${i}`, 'ce-specversion': '1.0', 'ce-source': `//pubsub.googleapis.com/projects/local-project/topics/${fn.topic}`,
          'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
        };
        const body = push
          ? Buffer.from(JSON.stringify({ message: { data: raw.toString('base64'), attributes, messageId: `fuzz-${fn.flow}-${i}`, publishTime: '2026-11-26T08:00:00Z' }, subscription: `projects/local-project/subscriptions/${fn.topic}-push` }))
          : Buffer.from(JSON.stringify({ message: { data: raw.toString('base64'), attributes, messageId: `fuzz-${fn.flow}-${i}`, publishTime: '2026-11-26T08:00:00Z' }, subscription: `projects/local-project/subscriptions/${fn.topic}-push` }));
        try {
          const outcome = await processDelivery(FLOWS[fn.flow] as never, worker.deps, undefined, headers, body);
          if (outcome.outcome !== 'dead-lettered') notDeadLettered++;
          expect(outcome, `${fn.flow} #${i}: ${raw.toString('utf8').slice(0, 200)}`).toMatchObject({ ack: true, outcome: 'dead-lettered', reason: expect.any(String) });
        } catch (err) {
          crashes++;
          throw err;
        }
      }
    }
    const dead = await cloud.store.listDeadLetters({ limit: 10_000 });
    expect(dead).toHaveLength(inputs);
    expect(dead.every((d) => d.reason.length > 0 && JSON.stringify(d).length < cloud.config.deadLetterInlineBytes * 1.5)).toBe(true);
    expect(await cloud.store.listRuns({ limit: 10_000 })).toHaveLength(0);
    expect(effects()).toBe(before);
    const offloaded = new Set(dead.filter((d) => d.payload?.uri).map((d) => d.payload!.uri));
    expect((await worker.provisioning.objects.listObjects('local-project-backups', { prefix: 'dead-letters/' })).length).toBe(offloaded.size);
    figures('malformed-fuzz', { inputs, topics: FUNCTIONS.length, crashes, lost: inputs - dead.length, notDeadLettered, effects: 0, payloadsInBucket: offloaded.size });
  });

  it('a label that would reach a URL is refused at the edge, naming the label', async () => {
    const incident = CASES.alerts!.doc;
    for (const app of ['zenml-server/../mlflow', '../../../__sim/faults']) {
      const doc = { ...incident, incident: { ...incident.incident, incident_id: `0.${Math.random()}`, policy_user_labels: { remediation: 'redeploy', app } } };
      const outcome = await processDelivery(FLOWS.alerts as never, worker.deps, undefined, { 'content-type': 'application/json' },
        Buffer.from(JSON.stringify({ message: { data: Buffer.from(JSON.stringify(doc)).toString('base64'), attributes: {}, messageId: 'm', publishTime: '2026-11-26T08:00:00Z' } })));
      expect(outcome).toMatchObject({ ack: true, outcome: 'dead-lettered', reason: expect.stringMatching(/policy_user_labels\.app/) });
    }
  });
});
