/**
 * Runs the real workflows/*.yaml on the local engine in virtual time against a fresh gcp-sim
 * (Cloud SQL, Secret Manager, Argo CD, Pub/Sub REST bridged to the Pub/Sub emulator, Workflow
 * Executions backed by the engine). Every request the workflows send goes through a recording
 * fetch, which decodes what they publish and lets a test act on an event (e.g. answer an approval)
 * before the workflow moves on, so nothing depends on timing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VirtualClock } from '../../shared/adapters/local/virtual-clock.ts';
import { loadWorkflow, runWorkflow, type ExecutionResult, type WorkflowProgram } from '../../shared/local/workflow-engine/index.ts';
import { startGcpSim, type GcpSim } from '../../shared/local/gcp-sim/server.ts';
import { SqlAdminSim } from '../../shared/local/gcp-sim/services/sqladmin.ts';
import { SecretManagerSim } from '../../shared/local/gcp-sim/services/secretmanager.ts';
import { StorageSim } from '../../shared/local/gcp-sim/services/storage.ts';
import { ArgoCdSim } from '../../shared/local/gcp-sim/services/argocd.ts';
import { PubsubSim } from '../../shared/local/gcp-sim/services/pubsub.ts';
import { WorkflowExecutionsSim } from '../../shared/local/gcp-sim/services/workflowexecutions.ts';
import { EngineExecutionBackend, type EngineBackendOptions } from '../../shared/local/gcp-sim/services/workflowexecutions/engine-backend.ts';
import { startPubsubEmulator, type PubsubEmulator } from '../../shared/local/pubsub/emulator.ts';
import type { FaultRule } from '../../shared/local/gcp-sim/faults.ts';

export const PROJECT = 'local-project';
export const INSTANCE = 'zenml-metadata';
export const DB_SECRET = 'zenml-db-connection';
export const TOKEN_SECRET = 'argocd-token';
export const EVENTS_TOPIC = `projects/${PROJECT}/topics/cp-events`;
export const WORKFLOWS_DIR = join(import.meta.dirname, '../../workflows');
/** Midday, far from the simulated 03:00 automated backups, so an hour's wait changes nothing by itself. */
export const START = '2026-03-10T12:00:00.000Z';
/** The exports bucket in the backup region (what Terraform creates for the backups flow). */
export const EXPORTS_BUCKET = `${PROJECT}-sql-exports`;
export const BACKUP_REGION = 'us-east1';
const TEST_TOKEN = 'workflow-test-token-not-a-credential';

export interface PublishedEvent {
  kind: string;
  attributes: Record<string, string>;
  data: Record<string, unknown>;
  /** Virtual time of the publish. */
  at: string;
}

export interface SentRequest {
  method: string;
  url: string;
  body: string;
}

export interface HealthEndpoint {
  url: string;
  /** Status codes to answer, in order; the last one repeats. */
  codes: number[];
  hits: number;
}

export interface WorkflowStack {
  clock: VirtualClock;
  sim: GcpSim;
  emulator: PubsubEmulator;
  sql: SqlAdminSim;
  argocd: ArgoCdSim;
  engine: EngineExecutionBackend;
  health: HealthEndpoint;
  events: PublishedEvent[];
  requests: SentRequest[];
  /** Called (and awaited) for each event the workflows publish, before the publish call returns to them. */
  onEvent?: (event: PublishedEvent) => Promise<void> | void;
  fault(rule: FaultRule): void;
  run(workflow: 'redeploy' | 'pitr-restore' | 'restore-drill' | 'bucket-restore' | 'regional-restore' | 'backup-now', argument: unknown): Promise<ExecutionResult>;
  storage: StorageSim;
  /** REST call to gcp-sim with a bearer token (test setup and inspection). */
  api(method: string, path: string, body?: unknown): Promise<any>;
  secretVersions(secret: string): Promise<Array<{ name: string; state: string }>>;
  secretPayload(secret: string, version?: string): Promise<string>;
  /** gcp-sim state without what changes by time passing, looking or reporting (operations, backup cursor, Pub/Sub counters). */
  stableState(): unknown;
  close(): Promise<void>;
}

const programs = new Map<string, WorkflowProgram>();
function program(name: string): WorkflowProgram {
  let p = programs.get(name);
  if (!p) {
    p = loadWorkflow(readFileSync(join(WORKFLOWS_DIR, `${name}.yaml`), 'utf8'), `${name}.yaml`);
    programs.set(name, p);
  }
  return p;
}

function decodePublish(url: string, body: string, at: string): PublishedEvent[] {
  if (!/\/topics\/[^/]+:publish$/.test(new URL(url).pathname)) return [];
  const parsed = JSON.parse(body) as { messages: Array<{ data: string; attributes?: Record<string, string> }> };
  return parsed.messages.map((m) => {
    const data = JSON.parse(Buffer.from(m.data, 'base64').toString('utf8')) as Record<string, unknown>;
    return { kind: String(data.kind), attributes: m.attributes ?? {}, data, at };
  });
}

async function startHealthEndpoint(): Promise<{ endpoint: HealthEndpoint; server: Server }> {
  const endpoint: HealthEndpoint = { url: '', codes: [200], hits: 0 };
  const server = createServer((req, res) => {
    const code = endpoint.codes[Math.min(endpoint.hits, endpoint.codes.length - 1)]!;
    endpoint.hits++;
    res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(code < 300 ? { status: 'ok' } : { status: 'unavailable' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  return { endpoint, server };
}

/** The Service Directory service Terraform registers for Argo CD's internal load balancer. */
export const ARGOCD_PRIVATE_SERVICE = `projects/${PROJECT}/locations/us-central1/namespaces/stack-control-plane/services/argocd`;
/** Argo CD's name inside the VPC: nothing outside it (this machine included) resolves it. */
export const ARGOCD_INTERNAL_URL = 'https://argocd.internal.example.com';

export interface WorkflowStackOptions {
  /**
   * Argo CD as production has it: only on an internal address, reached through the Service Directory
   * service in ARGOCD_PRIVATE_SERVICE (`registered: false` leaves the service out of the registry).
   */
  privateArgoCd?: { registered?: boolean };
}

export async function startWorkflowStack(options: WorkflowStackOptions = {}): Promise<WorkflowStack> {
  const clock = new VirtualClock(START);
  // The emulator keeps real time: its own timers (ack deadlines, retention) must not move the virtual clock.
  const emulator = await startPubsubEmulator();
  emulator.broker.createTopic({ name: EVENTS_TOPIC });
  emulator.broker.createSubscription({ name: `projects/${PROJECT}/subscriptions/cp-events-audit`, topic: EVENTS_TOPIC });
  const { endpoint: health, server: healthServer } = await startHealthEndpoint();

  const events: PublishedEvent[] = [];
  const requests: SentRequest[] = [];
  // The fetch needs the stack (for onEvent), which needs the servers the fetch is handed to.
  const self: { stack?: WorkflowStack } = {};
  const recordingFetch: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    const body = typeof init?.body === 'string' ? init.body : init?.body instanceof Uint8Array ? Buffer.from(init.body).toString('utf8') : '';
    requests.push({ method: init?.method ?? 'GET', url, body });
    const response = await fetch(input, init);
    if (response.ok && (init?.method ?? 'GET') === 'POST') {
      for (const event of decodePublish(url, body, clock.now().toISOString())) {
        events.push(event);
        await self.stack?.onEvent?.(event);
      }
    }
    return response;
  };

  const sql = new SqlAdminSim({
    seedInstances: [{
      project: PROJECT, name: INSTANCE, region: 'us-central1', tier: 'db-n1-standard-2', databaseVersion: 'MYSQL_8_0',
      transactionLogRetentionDays: 7, userLabels: { stack: 'zenml', 'managed-by': 'terraform' },
      databases: [{ name: 'zenml' }, { name: 'mlflow' }], users: [{ name: 'zenml' }, { name: 'mlflow' }],
      backupLocation: BACKUP_REGION,
    }],
  });
  const argocd = new ArgoCdSim();
  const storage = new StorageSim();
  // Child executions (pitr-restore → redeploy) run with the same clock, fetch and endpoints; the
  // URLs are filled in once the servers listen.
  const childOptions: EngineBackendOptions = {
    workflowsDir: WORKFLOWS_DIR, clock, fetch: recordingFetch, tokenProvider: async () => TEST_TOKEN,
  };
  const engine = new EngineExecutionBackend(childOptions);
  const sim = await startGcpSim({
    clock,
    services: [sql, new SecretManagerSim(), storage, argocd, new PubsubSim(emulator), new WorkflowExecutionsSim(engine)],
  });
  const env: Record<string, string> = { ARGOCD_URL: sim.url, EVENTS_TOPIC, ZENML_HEALTH_URL: health.url, BACKUP_REGION };
  const privateServices: Record<string, string> = {};
  if (options.privateArgoCd) {
    Object.assign(env, { ARGOCD_URL: ARGOCD_INTERNAL_URL, ARGOCD_PRIVATE_SERVICE });
    if (options.privateArgoCd.registered !== false) privateServices[ARGOCD_PRIVATE_SERVICE] = sim.url;
  }
  childOptions.connectorBaseUrl = sim.url;
  childOptions.env = env;
  childOptions.privateServices = privateServices;

  const api = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${sim.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json() as unknown;
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(json)}`);
    return json;
  };
  const createSecret = async (id: string, payload: string): Promise<void> => {
    await api('POST', `/v1/projects/${PROJECT}/secrets?secretId=${id}`, { replication: { automatic: {} } });
    await api('POST', `/v1/projects/${PROJECT}/secrets/${id}:addVersion`, { payload: { data: Buffer.from(payload).toString('base64') } });
  };
  await api('POST', `/storage/v1/b?project=${PROJECT}`, { name: EXPORTS_BUCKET, location: BACKUP_REGION.toUpperCase(), versioning: { enabled: true } });
  await createSecret(TOKEN_SECRET, 'argocd-api-token-for-tests');
  await createSecret(DB_SECRET, JSON.stringify({
    instance: INSTANCE, instanceConnectionName: `${PROJECT}:us-central1:${INSTANCE}`, database: 'zenml', user: 'zenml', ipType: 'PRIVATE',
  }));

  const stack: WorkflowStack = {
    clock, sim, emulator, sql, storage, argocd, engine, health, events, requests,
    fault: (rule) => { sim.faults.add(rule); },
    run: (workflow, argument) => runWorkflow(program(workflow), argument, {
      clock, env, connectorBaseUrl: sim.url, fetch: recordingFetch, tokenProvider: async () => TEST_TOKEN, privateServices,
      identity: { projectId: PROJECT, workflowId: workflow },
    }),
    api,
    secretVersions: async (secret) => ((await api('GET', `/v1/projects/${PROJECT}/secrets/${secret}/versions`)).versions ?? [])
      .map((v: { name: string; state: string }) => ({ name: v.name, state: v.state })),
    secretPayload: async (secret, version = 'latest') => {
      const res = await api('GET', `/v1/projects/${PROJECT}/secrets/${secret}/versions/${version}:access`);
      return Buffer.from(res.payload.data as string, 'base64').toString('utf8');
    },
    stableState: () => {
      const state = structuredClone(sim.state()) as Record<string, any>;
      delete state.sqladmin.operations;
      // The sim's cursor of how far it has run automated backups moves with the clock alone.
      for (const i of state.sqladmin.instances as Array<Record<string, unknown>>) delete i.automatedBackupsUntil;
      delete state.pubsub;
      delete state.workflowexecutions;
      return state;
    },
    close: async () => {
      await engine.close();
      await sim.close();
      await new Promise<void>((resolve) => { healthServer.closeAllConnections(); healthServer.close(() => resolve()); });
      await emulator.close();
    },
  };
  self.stack = stack;
  return stack;
}

/** Syncs started by the workflows (requests to Argo CD's sync route), in order, with their bodies. */
export function syncRequests(stack: WorkflowStack, app?: string): Array<{ app: string; body: Record<string, unknown> }> {
  return stack.requests
    .map((r) => ({ r, m: /\/api\/v1\/applications\/([^/]+)\/sync$/.exec(new URL(r.url).pathname) }))
    .filter(({ r, m }) => r.method === 'POST' && m && (app === undefined || m[1] === app))
    .map(({ r, m }) => ({ app: m![1]!, body: JSON.parse(r.body || '{}') as Record<string, unknown> }));
}

/** The error payload of a FAILED run. */
export function failureOf(result: ExecutionResult): Record<string, any> {
  if (result.state !== 'FAILED') throw new Error(`expected FAILED, got ${result.state}: ${JSON.stringify(result.state === 'SUCCEEDED' ? result.result : result)}`);
  return JSON.parse(result.error.payload) as Record<string, any>;
}

/** The result of a SUCCEEDED run. */
export function resultOf(result: ExecutionResult): Record<string, any> {
  if (result.state !== 'SUCCEEDED') throw new Error(`expected SUCCEEDED, got ${result.state}: ${result.state === 'FAILED' ? result.error.payload : ''}`);
  return result.result as Record<string, any>;
}
