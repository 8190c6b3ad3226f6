/**
 * The chaos harness: the real handler runtime, the production adapters and gcp-sim (real REST
 * wire formats) on one VirtualClock, fed by a push subscription model with Pub/Sub's delivery
 * semantics: every nack and every dropped push is a delivery attempt, redelivered with backoff,
 * and after `maxAttempts` the message goes to the dead-letter topic.
 *
 * A "worker" is one function instance. `kill()` is SIGKILL at the port boundary: from that
 * moment no call of the dead instance returns and none starts (its heartbeats stop, its leases
 * run out), and Pub/Sub sees its in-flight pushes fail, as it would see a dropped connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../shared/adapters/local/virtual-clock.ts';
import { openSqliteStateStore } from '../../shared/adapters/local/sqlite-state-store.ts';
import { createDefaultSimServices } from '../../shared/local/gcp-sim/default-services.ts';
import { startGcpSim, type GcpSim } from '../../shared/local/gcp-sim/server.ts';
import { seedLocalCloud } from '../../shared/local/stack/seed.ts';
import { FLOWS } from '../../shared/flows/definitions.ts';
import { TOPICS, type FlowName } from '../../shared/events/topics.ts';
import type { PubsubMessage } from '../../shared/events/envelope.ts';
import type { Publisher } from '../../shared/ports/publisher.ts';
import type { StateStore } from '../../shared/ports/state-store.ts';
import type { Config } from '../../shared/runtime/config.ts';
import type { RuntimeDeps } from '../../shared/runtime/flow.ts';
import { processMessage, type DeliveryOutcome } from '../../shared/runtime/pipeline.ts';
import { provisioningDeps } from '../../shared/runtime/adapters/provisioning.ts';
import type { ProvisioningDeps } from '../../shared/flows/provisioning/deps.ts';
import { deadLetterPayloads } from '../../shared/runtime/adapters/dead-letter-payloads.ts';
import { localEndpoint } from '../../shared/local/stack/local-endpoint.ts';
import { memoryLogger, testConfig } from '../support/fakes.ts';

export const MAX_ATTEMPTS = 5;

export interface Pushed {
  id: string;
  topic: string;
  data: Buffer;
  attributes: Record<string, string>;
  attempt: number;
  notBefore: number;
}

export class ChaosCloud {
  private constructor(
    readonly sim: GcpSim,
    readonly clock: VirtualClock,
    readonly config: Config,
    readonly store: StateStore,
    readonly push: PushSubscription,
    private readonly dir: string,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<ChaosCloud> {
    const clock = new VirtualClock('2026-11-26T08:00:00Z');
    const sim = await startGcpSim({ port: 0, clock, operationDurationMs: 500, services: createDefaultSimServices({ projectId: 'local-project', clock }) });
    const config = testConfig({ STACKCTL_GCP_SIM_URL: sim.url, STACKCTL_MAX_DELIVERY_ATTEMPTS: String(MAX_ATTEMPTS), ...env });
    await seedLocalCloud(config, clock);
    const dir = mkdtempSync(join(tmpdir(), 'stackctl-chaos-'));
    const store = openSqliteStateStore(join(dir, 'state.sqlite'), { clock });
    return new ChaosCloud(sim, clock, config, store, new PushSubscription(clock), dir);
  }

  /** A new function instance (a cold start after a crash is just another one). */
  worker(name: string): Worker {
    return new Worker(name, this);
  }

  async close(): Promise<void> {
    await this.store.close();
    await this.sim.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const NEVER = new Promise<never>(() => undefined);

/** Wraps every method so that, once the instance is dead, nothing returns and nothing starts. */
function killable<T extends object>(target: T, state: { killed: boolean }): T {
  return new Proxy(target, {
    get(t, p, r) {
      const v = Reflect.get(t, p, r) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (state.killed) return NEVER;
        const out = (v as (...a: unknown[]) => unknown).apply(t, args);
        if (!(out instanceof Promise)) return out;
        return out.then((x) => (state.killed ? NEVER : x), (e: unknown) => (state.killed ? NEVER : Promise.reject(e)));
      };
    },
  });
}

export class Worker {
  readonly state = { killed: false };
  readonly deps: RuntimeDeps;
  readonly provisioning: ProvisioningDeps;
  private dead!: () => void;
  readonly died: Promise<void> = new Promise((resolve) => { this.dead = resolve; });
  /** Called on every run update this instance makes, and on every run it resumes (for resume timing). */
  onRunUpdate?: (id: string, patch: Record<string, unknown>) => void;

  constructor(readonly name: string, cloud: ChaosCloud) {
    const store = killable(cloud.store, this.state);
    const observed = new Proxy(store, {
      get: (t, p, r) => {
        const v = Reflect.get(t, p, r) as unknown;
        if (typeof v !== 'function') return v;
        if (p === 'startRun') {
          // A resumption is the start of a delivery that found its run crashed or retrying.
          return async (request: unknown) => {
            const started = await (v as (q: unknown) => Promise<{ outcome: string; run: { id: string } }>).call(t, request);
            if (started.outcome === 'resumed') this.onRunUpdate?.(started.run.id, { status: 'running' });
            return started;
          };
        }
        if (p !== 'updateRun') return v;
        return (id: string, patch: Record<string, unknown>) => {
          this.onRunUpdate?.(id, patch);
          return (v as (i: string, pa: unknown) => unknown).call(t, id, patch);
        };
      },
    });
    const payloads = deadLetterPayloads(localEndpoint(cloud.config), cloud.clock, cloud.config.backupBucket);
    this.deps = {
      config: cloud.config, clock: cloud.clock, logger: memoryLogger('silent').logger,
      store: observed, publisher: killable(cloud.push as Publisher, this.state),
      payloads: { bucket: payloads.bucket, objects: killable(payloads.objects, this.state) },
    };
    const p = provisioningDeps(localEndpoint(cloud.config), cloud.clock);
    this.provisioning = { sql: killable(p.sql, this.state), secrets: killable(p.secrets, this.state), objects: killable(p.objects, this.state), registry: killable(p.registry, this.state) };
  }

  kill(): void {
    this.state.killed = true;
    this.dead();
  }

  deliver(flow: FlowName, message: PubsubMessage, flowDeps: unknown = this.provisioning): Promise<DeliveryOutcome> {
    return processMessage(FLOWS[flow] as never, this.deps, flowDeps as never, message);
  }
}

/**
 * One push subscription per flow topic, with Pub/Sub's delivery rules; the events topic is only
 * recorded. `publish` is also the Publisher the runtime uses (status events, handed-over parked messages).
 */
export class PushSubscription implements Publisher {
  readonly events: any[] = [];
  readonly deadLetterTopic: Pushed[] = [];
  readonly outcomes: Array<{ id: string; attempt: number; outcome: string; reason?: string }> = [];
  nacks = 0;
  published = 0;
  private queue: Pushed[] = [];
  private seq = 0;

  constructor(private readonly clock: VirtualClock, readonly policy = { minBackoffMs: 1_000, maxBackoffMs: 10_000, concurrency: 64 }) {}

  async publish(topic: string, data: unknown, attributes: Record<string, string> = {}): Promise<string> {
    const id = `p-${++this.seq}`;
    if (topic === TOPICS.events) {
      this.events.push(data);
      return id;
    }
    this.published++;
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(JSON.stringify(data));
    this.queue.push({ id, topic, data: bytes, attributes: { ...attributes }, attempt: 1, notBefore: this.clock.now().getTime() });
    return id;
  }

  /**
   * Pushes until nothing is queued or in flight, to whichever live worker `route` names.
   * Bounded: at most `maxDeliveries` pushes, or the test fails loudly.
   */
  async drain(route: () => Worker, flowOf: (topic: string) => FlowName, maxDeliveries = 20_000, flowDeps?: (w: Worker, flow: FlowName) => unknown): Promise<void> {
    const inFlight = new Map<string, Promise<void>>();
    let deliveries = 0;
    for (let loop = 0; loop < 1_000_000; loop++) {
      const now = this.clock.now().getTime();
      this.queue.sort((a, b) => a.notBefore - b.notBefore);
      while (inFlight.size < this.policy.concurrency && this.queue.length && this.queue[0]!.notBefore <= now) {
        const item = this.queue.shift()!;
        if (++deliveries > maxDeliveries) throw new Error(`chaos: more than ${maxDeliveries} deliveries; something loops`);
        const worker = route();
        const flow = flowOf(item.topic);
        const message: PubsubMessage = {
          data: item.data, attributes: item.attributes, messageId: item.id, publishTime: new Date(now), mode: 'push', deliveryAttempt: item.attempt,
        };
        const settled = Promise.race([
          worker.deliver(flow, message, flowDeps ? flowDeps(worker, flow) : undefined),
          worker.died.then((): DeliveryOutcome => ({ ack: false, outcome: 'retry', reason: 'push failed: the instance died' })),
        ]).catch((err: unknown): DeliveryOutcome => ({ ack: false, outcome: 'retry', reason: `500: ${(err as Error).message}` }));
        const key = `${item.id}#${item.attempt}`;
        inFlight.set(key, settled.then((out) => {
          inFlight.delete(key);
          this.outcomes.push({ id: item.id, attempt: item.attempt, outcome: out.outcome, reason: 'reason' in out ? out.reason : undefined });
          if (out.ack) return;
          this.nacks++;
          if (item.attempt >= MAX_ATTEMPTS) {
            this.deadLetterTopic.push(item);
            return;
          }
          const backoff = Math.min(this.policy.maxBackoffMs, this.policy.minBackoffMs * 2 ** (item.attempt - 1));
          this.queue.push({ ...item, attempt: item.attempt + 1, notBefore: this.clock.now().getTime() + backoff });
        }));
      }
      if (inFlight.size === 0 && this.queue.length === 0) return;
      const next = this.queue.length ? Math.max(1, this.queue[0]!.notBefore - this.clock.now().getTime()) : undefined;
      await Promise.race([...inFlight.values(), ...(next !== undefined ? [this.clock.sleep(next)] : [])]);
    }
    throw new Error('chaos: drain did not settle');
  }
}

export function flowOfTopic(topic: string): FlowName {
  const entry = Object.entries(TOPICS).find(([, t]) => t === topic);
  if (!entry || entry[0] === 'events') throw new Error(`no flow for topic ${topic}`);
  return entry[0] as FlowName;
}

export function workspaceRequest(requestId: string, workspace: string, action: 'create' | 'delete' = 'create') {
  return { apiVersion: 'stackctl/v1', kind: 'WorkspaceRequest', requestId, action, workspace, environment: 'dev', requestedBy: 'chaos@example.com' };
}

/** What gcp-sim holds of one workspace, through the production adapters. */
export async function workspaceInventory(p: ProvisioningDeps, workspace: string) {
  const snake = `ws_${workspace.replace(/-/g, '_')}`;
  const [databases, users, secret, bucket, repository] = await Promise.all([
    p.sql.listDatabases('zenml-metadata'), p.sql.listUsers('zenml-metadata'), p.secrets.getSecret(`ws-${workspace}-db`),
    p.objects.getBucket(`local-project-ws-${workspace}-artifacts`), p.registry.getRepository('us-central1', `ws-${workspace}`),
  ]);
  const versions = secret ? (await p.secrets.listVersions(`ws-${workspace}-db`)).filter((v) => v.state === 'ENABLED').length : 0;
  return {
    database: databases.filter((d) => d.name === snake).length,
    user: users.filter((u) => u.name === snake).length,
    secret: secret ? 1 : 0,
    liveSecretVersions: versions,
    bucket: bucket ? 1 : 0,
    repository: repository ? 1 : 0,
  };
}

export const COMPLETE = { database: 1, user: 1, secret: 1, liveSecretVersions: 1, bucket: 1, repository: 1 };
export const NOTHING = { database: 0, user: 0, secret: 0, liveSecretVersions: 0, bucket: 0, repository: 0 };

/** One line of figures per scenario, collected for the closing note of the chaos suite. */
export function figures(scenario: string, values: Record<string, number | string>): void {
  console.info(`[chaos] ${scenario}: ${Object.entries(values).map(([k, v]) => `${k}=${v}`).join(' ')}`);
}
