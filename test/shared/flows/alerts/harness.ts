/** The alerts flow through the real handler runtime, a SQLite :memory: store, virtual time and a Workflows fake. */
import { readFileSync } from 'node:fs';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { openSqliteStateStore } from '../../../../shared/adapters/local/sqlite-state-store.ts';
import { DEFAULT_RULES_URL } from '../../../../shared/domain/remediation/default-rules.ts';
import { parseRules } from '../../../../shared/domain/remediation/rules.ts';
import type { PubsubMessage } from '../../../../shared/events/envelope.ts';
import { alertsFlow } from '../../../../shared/flows/alerts/flow.ts';
import type { AlertsDeps } from '../../../../shared/flows/alerts/deps.ts';
import { followExecutionsOnce } from '../../../../shared/flows/alerts/follower.ts';
import type { StateStore } from '../../../../shared/ports/state-store.ts';
import type { Execution, ExecutionState, Workflows } from '../../../../shared/ports/workflows.ts';
import { PermanentError } from '../../../../shared/runtime/errors.ts';
import { createLogger } from '../../../../shared/runtime/logger.ts';
import { processMessage } from '../../../../shared/runtime/pipeline.ts';
import type { RuntimeDeps } from '../../../../shared/runtime/flow.ts';
import { RecordingPublisher, testConfig } from '../../../support/fakes.ts';

/** Workflow Executions in memory: executions stay ACTIVE until the test ends them. */
export class FakeWorkflows implements Workflows {
  readonly executions = new Map<string, Execution>();
  readonly started: Array<{ workflow: string; argument: unknown }> = [];
  readonly cancelled: string[] = [];
  failStart?: Error;
  private seq = 0;

  constructor(private readonly clock: VirtualClock) {}

  async startExecution(workflow: string, argument: unknown): Promise<Execution> {
    if (this.failStart) throw this.failStart;
    const name = `projects/local-project/locations/us-central1/workflows/${workflow}/executions/e${++this.seq}`;
    const execution: Execution = { name, workflow: `projects/local-project/locations/us-central1/workflows/${workflow}`, state: 'ACTIVE', argument, startTime: this.clock.now() };
    this.executions.set(name, execution);
    this.started.push({ workflow, argument });
    return { ...execution };
  }

  async getExecution(name: string): Promise<Execution> {
    const e = this.executions.get(name);
    if (!e) throw new PermanentError(`workflows.executions.get: ${name} not found`, { code: 404 });
    return { ...e };
  }

  async listExecutions(workflow: string): Promise<Execution[]> {
    return [...this.executions.values()].filter((e) => e.workflow.endsWith(`/workflows/${workflow}`));
  }

  async cancelExecution(name: string): Promise<Execution> {
    const e = this.executions.get(name);
    if (!e) throw new PermanentError(`workflows.executions.cancel: ${name} not found`, { code: 404 });
    if (e.state !== 'ACTIVE') throw new PermanentError(`workflows.executions.cancel: ${name} is ${e.state}`, { code: 400 });
    e.state = 'CANCELLED';
    e.endTime = this.clock.now();
    this.cancelled.push(name);
    return { ...e };
  }

  finish(name: string, state: Exclude<ExecutionState, 'ACTIVE'>, outcome: { result?: unknown; error?: string } = {}): void {
    const e = this.executions.get(name);
    if (!e) throw new Error(`no execution ${name}`);
    Object.assign(e, { state, endTime: this.clock.now() }, outcome.result !== undefined ? { result: outcome.result } : {}, outcome.error ? { error: { payload: JSON.stringify({ message: outcome.error }) } } : {});
  }
}

const base = JSON.parse(readFileSync(new URL('../../../../examples/incident-redeploy.json', import.meta.url), 'utf8')) as { version: string; incident: Record<string, unknown> };
const pitr = JSON.parse(readFileSync(new URL('../../../../examples/incident-pitr.json', import.meta.url), 'utf8')) as { version: string; incident: Record<string, unknown> };
export const DEFAULT_RULES_TEXT = readFileSync(DEFAULT_RULES_URL, 'utf8');

let seq = 0;
export function incidentMessage(overrides: Record<string, unknown> = {}, template: 'redeploy' | 'pitr' = 'redeploy'): PubsubMessage {
  const source = template === 'pitr' ? pitr : base;
  const body = { ...source, incident: { ...source.incident, ...overrides } };
  return { data: Buffer.from(JSON.stringify(body)), attributes: {}, messageId: `m-${++seq}`, publishTime: new Date(), mode: 'push' };
}

export function rawMessage(body: unknown): PubsubMessage {
  return { data: Buffer.from(JSON.stringify(body)), attributes: {}, messageId: `m-${++seq}`, publishTime: new Date(), mode: 'push' };
}

export interface Harness {
  clock: VirtualClock;
  store: StateStore;
  workflows: FakeWorkflows;
  publisher: RecordingPublisher;
  deps: RuntimeDeps;
  flowDeps: AlertsDeps;
  deliver(message: PubsubMessage): ReturnType<typeof processMessage>;
  follow(): ReturnType<typeof followExecutionsOnce>;
  close(): Promise<void>;
}

export function startHarness(rulesText = DEFAULT_RULES_TEXT, start = '2026-01-01T00:05:00Z'): Harness {
  const clock = new VirtualClock(start);
  const store = openSqliteStateStore(':memory:', { clock });
  const workflows = new FakeWorkflows(clock);
  const publisher = new RecordingPublisher();
  const logger = createLogger({ level: 'silent' });
  const deps: RuntimeDeps = { config: testConfig(), store, publisher, clock, logger };
  const rules = parseRules(rulesText, 'test-rules.yaml');
  const flowDeps: AlertsDeps = { workflows, rules: () => rules };
  return {
    clock, store, workflows, publisher, deps, flowDeps,
    deliver: (message) => processMessage(alertsFlow, deps, flowDeps, message),
    follow: () => followExecutionsOnce({ store, workflows, clock, logger, publisher }),
    close: () => store.close(),
  };
}

export const MINUTE = 60_000;
