/** The budgets flow through the real handler runtime, a SQLite :memory: store, virtual time and in-memory Argo CD / Cloud SQL. */
import { readFileSync } from 'node:fs';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { openSqliteStateStore } from '../../../../shared/adapters/local/sqlite-state-store.ts';
import { DEFAULT_BUDGET_RULES_URL } from '../../../../shared/domain/budgets/default-rules.ts';
import { parseBudgetRules, type Environment } from '../../../../shared/domain/budgets/rules.ts';
import type { PubsubMessage } from '../../../../shared/events/envelope.ts';
import { budgetsFlow } from '../../../../shared/flows/budgets/flow.ts';
import type { BudgetsDeps } from '../../../../shared/flows/budgets/deps.ts';
import type { MetricPoint, Metrics, TimeSeries } from '../../../../shared/ports/metrics.ts';
import type { ActivationPolicy, AppParameters, SqlActivation } from '../../../../shared/ports/scale.ts';
import type { StateStore } from '../../../../shared/ports/state-store.ts';
import { createLogger } from '../../../../shared/runtime/logger.ts';
import { processMessage } from '../../../../shared/runtime/pipeline.ts';
import type { RuntimeDeps } from '../../../../shared/runtime/flow.ts';
import { RecordingPublisher, testConfig } from '../../../support/fakes.ts';

export class FakeApps implements AppParameters {
  readonly params = new Map<string, Map<string, string>>();
  readonly calls: Array<{ app: string; changes: Record<string, string | null> }> = [];
  async setHelmParameters(app: string, changes: Record<string, string | null>): Promise<Record<string, string | null>> {
    this.calls.push({ app, changes });
    const p = this.params.get(app) ?? new Map<string, string>();
    const previous: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(changes)) {
      previous[k] = p.get(k) ?? null;
      if (v === null) p.delete(k); else p.set(k, v);
    }
    this.params.set(app, p);
    return previous;
  }
}

export class FakeSql implements SqlActivation {
  readonly policy = new Map<string, ActivationPolicy>();
  async setActivationPolicy(instance: string, policy: ActivationPolicy): Promise<ActivationPolicy> {
    const previous = this.policy.get(instance) ?? 'ALWAYS';
    this.policy.set(instance, policy);
    return previous;
  }
}

export class RecordingMetrics implements Metrics {
  readonly written: MetricPoint[] = [];
  async write(points: MetricPoint[]): Promise<void> { this.written.push(...points); }
  async list(): Promise<TimeSeries[]> { return []; }
}

export const ATTRIBUTES = { billingAccountId: '01D4EE-079462-DFD6EC', budgetId: 'de72f49d-779b-4945-a127-4d6ce8def0bb', schemaVersion: '1.0' };
const example = JSON.parse(readFileSync(new URL('../../../../examples/budget-alert.json', import.meta.url), 'utf8')) as Record<string, unknown>;

let seq = 0;
/** A notification as Cloud Billing publishes it: `overrides` set fields, a field set to undefined is left out. */
export function budgetMessage(overrides: Record<string, unknown>, publishTime: Date): PubsubMessage {
  const body: Record<string, unknown> = { ...example, ...overrides };
  for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
  return { data: Buffer.from(JSON.stringify(body)), attributes: { ...ATTRIBUTES }, messageId: `b-${++seq}`, publishTime, mode: 'push' };
}

export function startBudgetHarness(environment: Environment = 'dev', start = '2026-11-20T10:00:00Z') {
  const clock = new VirtualClock(start);
  const store: StateStore = openSqliteStateStore(':memory:', { clock });
  const publisher = new RecordingPublisher();
  const deps: RuntimeDeps = { config: testConfig(), store, publisher, clock, logger: createLogger({ level: 'silent' }) };
  const rules = parseBudgetRules(readFileSync(DEFAULT_BUDGET_RULES_URL, 'utf8'), 'budget-rules.yaml');
  const apps = new FakeApps();
  const sql = new FakeSql();
  const metrics = new RecordingMetrics();
  const flowDeps: BudgetsDeps = { rules: () => rules, environment, metrics, apps, sql };
  return {
    clock, store, publisher, apps, sql, metrics, deps, flowDeps,
    deliver: (overrides: Record<string, unknown>) => processMessage(budgetsFlow, deps, flowDeps, budgetMessage(overrides, clock.now())),
    events: (kind?: string) => publisher.messages.map((m) => m.data).filter((d) => !kind || d.kind === kind),
    close: () => store.close(),
  };
}
