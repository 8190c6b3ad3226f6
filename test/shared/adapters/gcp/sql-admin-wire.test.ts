/**
 * Wire-format contract: records the HTTP requests GcpSqlAdmin sends through @google-cloud/sql
 * and compares them with fixtures written from Google's Cloud SQL Admin v1 REST reference
 * (test/fixtures/wire/sqladmin/*.json name their sources). A change in the adapter, the client
 * library or the paths the simulator serves makes this fail.
 */
import type { Accepts } from '../../../../shared/local/gcp-sim/accepts.ts';
import { readFileSync } from 'node:fs';
import { localSimulatorAuth } from '../../../../shared/adapters/local/local-auth.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGcpSim, type GcpSim } from '../../../../shared/local/gcp-sim/server.ts';
import type { Router, SimHandler } from '../../../../shared/local/gcp-sim/router.ts';
import type { SimContext, SimService } from '../../../../shared/local/gcp-sim/service.ts';
import { SqlAdminSim } from '../../../../shared/local/gcp-sim/services/sqladmin.ts';
import { GcpSqlAdmin } from '../../../../shared/adapters/gcp/sql-admin.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';

interface Recorded { method: string; path: string; query: Record<string, string>; body: unknown }
interface ExpectedRequest { method: string; path: string; query?: Record<string, string>; body?: unknown; bodyIncludes?: unknown }
interface Fixture { source: string; requests: ExpectedRequest[] }

const FIXTURES = new URL('../../../fixtures/wire/sqladmin/', import.meta.url);
const fixtures: Record<string, Fixture> = Object.assign({},
  ...['instances.json', 'backupRuns.json', 'databases-users.json'].map((f) => JSON.parse(readFileSync(new URL(f, FIXTURES), 'utf8')) as Record<string, Fixture>));

/** Wraps a simulator so every request its routes serve is recorded before being handled. */
class Recording implements SimService {
  readonly log: Recorded[] = [];
  constructor(private readonly inner: SimService) {}
  get name() { return this.inner.name; }
  register(router: Router, ctx: SimContext): void {
    const recordingRouter = Object.create(router) as Router;
    recordingRouter.add = (method: string, pattern: string, id: string, handler: SimHandler, accepts: Accepts) => router.add(method, pattern, id, (req) => {
      this.log.push({ method: req.method, path: req.path, query: Object.fromEntries(req.query), body: req.json });
      return handler(req);
    }, accepts);
    this.inner.register(recordingRouter, ctx);
  }
  snapshot() { return this.inner.snapshot(); }
  summary() { return this.inner.summary(); }
}

/** proto3 JSON: empty maps/objects are default values, equivalent to absent; "" is an empty message. */
function normalise(value: unknown): unknown {
  if (value === '' || value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, normalise(v)] as const)
      .filter(([, v]) => v !== undefined && !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0));
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return value;
}

/** Matches a fixture value against a recorded one, binding `{placeholders}` consistently. */
function matches(expected: unknown, actual: unknown, bindings: Map<string, string>, subset: boolean, at: string, problems: string[]): void {
  if (typeof expected === 'string') {
    const names: string[] = [];
    const pattern = expected.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => { names.push(name); return '(.+?)'; });
    const m = typeof actual === 'string' ? new RegExp(`^${pattern}$`).exec(actual) : typeof actual === 'number' ? null : null;
    if (!m) { problems.push(`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`); return; }
    names.forEach((name, i) => {
      const value = m[i + 1]!;
      const bound = bindings.get(name);
      if (bound === undefined) bindings.set(name, value);
      else if (bound !== value) problems.push(`${at}: {${name}} should be ${JSON.stringify(bound)}, got ${JSON.stringify(value)}`);
    });
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) { problems.push(`${at}: expected ${expected.length} items, got ${JSON.stringify(actual)}`); return; }
    expected.forEach((e, i) => matches(e, actual[i], bindings, subset, `${at}[${i}]`, problems));
    return;
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object') { problems.push(`${at}: expected an object, got ${JSON.stringify(actual)}`); return; }
    const a = actual as Record<string, unknown>;
    for (const [k, v] of Object.entries(expected)) matches(v, a[k], bindings, subset, `${at}.${k}`, problems);
    if (!subset) for (const k of Object.keys(a)) if (!(k in (expected as object))) problems.push(`${at}.${k}: not in the reference fixture (${JSON.stringify(a[k])})`);
    return;
  }
  if (expected !== actual) problems.push(`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function compare(name: string, log: Recorded[], bound: Record<string, string>): string[] {
  const fixture = fixtures[name];
  if (!fixture) return [`no fixture named ${name}`];
  const key = (r: Recorded) => `${r.method} ${r.path} ${JSON.stringify(r.query)}`;
  const collapsed = log.filter((r, i) => i === 0 || key(r) !== key(log[i - 1]!));
  const problems: string[] = [];
  const bindings = new Map(Object.entries(bound));
  if (collapsed.length !== fixture.requests.length) {
    problems.push(`expected ${fixture.requests.length} distinct requests, got ${collapsed.length}: ${collapsed.map((r) => `${r.method} ${r.path}`).join(', ')}`);
  }
  fixture.requests.forEach((exp, i) => {
    const got = collapsed[i];
    if (!got) return;
    const at = `request ${i} (${exp.method} ${exp.path})`;
    if (got.method !== exp.method) problems.push(`${at}: method ${got.method}`);
    matches(exp.path, got.path, bindings, false, `${at} path`, problems);
    const { $alt, ...query } = got.query;
    if ($alt !== 'json;enum-encoding=int') problems.push(`${at}: $alt is ${JSON.stringify($alt)}`);
    matches(exp.query ?? {}, query, bindings, false, `${at} query`, problems);
    const body = normalise(got.body);
    if (exp.bodyIncludes !== undefined) matches(exp.bodyIncludes, body, bindings, true, `${at} body`, problems);
    else if (exp.body !== undefined) matches(exp.body, body, bindings, false, `${at} body`, problems);
    else if (body !== undefined) problems.push(`${at}: the reference says the body must be empty, got ${JSON.stringify(got.body)}`);
  });
  return problems;
}

describe('GcpSqlAdmin requests match the Cloud SQL Admin v1 reference', () => {
  const PROJECT = 'wire-project';
  const clock = new VirtualClock('2026-04-01T08:00:00Z');
  let sim: GcpSim;
  let recorder: Recording;
  let sqlSim: SqlAdminSim;
  let admin: GcpSqlAdmin;

  beforeAll(async () => {
    sqlSim = new SqlAdminSim({ seedInstances: [
      { project: PROJECT, name: 'src', databaseVersion: 'MYSQL_8_0', tier: 'db-g1-small', userLabels: { env: 'dev', tmp: 'x' }, databases: [{ name: 'zenml' }], users: [{ name: 'old', host: '%' }] },
      { project: PROJECT, name: 'second' },
    ] });
    recorder = new Recording(sqlSim);
    sim = await startGcpSim({ services: [recorder], clock, operationDurationMs: 20_000 });
    admin = new GcpSqlAdmin({ projectId: PROJECT, region: 'us-central1', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() }, clock, { initialDelayMs: 2_000 }, { pageSize: 1 });
  });
  afterAll(async () => { await sim.close(); });
  beforeEach(() => { recorder.log.length = 0; });

  const check = (name: string, bound: Record<string, string>) => expect(compare(name, recorder.log, bound), `fixture ${name} (${fixtures[name]?.source})`).toEqual([]);

  it('instances.get, list (paged), getLatestRecoveryTime', async () => {
    await admin.getInstance('src');
    check('getInstance', { project: PROJECT, instance: 'src' });
    recorder.log.length = 0;
    await admin.listInstances();
    check('listInstances', { project: PROJECT });
    recorder.log.length = 0;
    await admin.getLatestRecoveryTime('src');
    check('getLatestRecoveryTime', { project: PROJECT, instance: 'src' });
  });

  it('instances.patch for label upserts and instances.update for removals', async () => {
    await admin.patchInstanceLabels('src', { env: 'prod' });
    check('patchInstanceLabels', { project: PROJECT, instance: 'src' });
    recorder.log.length = 0;
    await admin.patchInstanceLabels('src', { tmp: null });
    check('patchInstanceLabels(remove)', { project: PROJECT, instance: 'src', tier: 'db-g1-small' });
    recorder.log.length = 0;
    expect(await admin.setActivationPolicy('src', 'NEVER')).toBe('ALWAYS');
    check('setActivationPolicy', { project: PROJECT, instance: 'src' });
    recorder.log.length = 0;
    // Already NEVER: read, nothing to patch.
    expect(await admin.setActivationPolicy('src', 'NEVER')).toBe('NEVER');
    expect(recorder.log.map((r) => r.method)).toEqual(['GET']);
  });

  it('instances.clone with a point in time, export, restoreBackup, delete', async () => {
    const t = new Date(clock.now().getTime() - 60_000);
    await admin.cloneInstance('src', { destinationInstanceName: 'src-pitr', pointInTime: t });
    check('cloneInstance', { project: PROJECT, instance: 'src', destination: 'src-pitr', pointInTime: t.toISOString() });
    recorder.log.length = 0;
    await admin.exportSql('src', { uri: 'gs://dumps/src.sql', databases: ['zenml'] });
    check('exportSql', { project: PROJECT, instance: 'src', uri: 'gs://dumps/src.sql', database: 'zenml' });
    const [run] = await admin.listBackupRuns('src');
    recorder.log.length = 0;
    await admin.restoreBackup('src', run!.id);
    check('restoreBackup', { project: PROJECT, instance: 'src', backupRunId: run!.id });
    recorder.log.length = 0;
    await admin.deleteInstance('src-pitr');
    check('deleteInstance', { project: PROJECT, instance: 'src-pitr' });
  });

  it('backupRuns insert, list (paged), get, delete', async () => {
    const run = await admin.insertBackupRun('second', 'wire check');
    check('insertBackupRun', { project: PROJECT, instance: 'second', description: 'wire check', id: run.id });
    recorder.log.length = 0;
    await admin.listBackupRuns('second');
    // Seven automated runs and the on-demand one, one per page: the fixture's first two shapes repeat.
    const pages = recorder.log.length;
    expect(pages).toBe(8);
    recorder.log.splice(2);
    check('listBackupRuns', { project: PROJECT, instance: 'second' });
    recorder.log.length = 0;
    await admin.getBackupRun('second', run.id);
    check('getBackupRun', { project: PROJECT, instance: 'second', id: run.id });
    recorder.log.length = 0;
    await admin.deleteBackupRun('second', run.id);
    check('deleteBackupRun', { project: PROJECT, instance: 'second', id: run.id });
  });

  it('databases and users', async () => {
    await admin.listDatabases('src');
    check('listDatabases', { project: PROJECT, instance: 'src' });
    recorder.log.length = 0;
    await admin.insertDatabase('src', { name: 'metrics', charset: 'utf8mb4', collation: 'utf8mb4_bin' });
    check('insertDatabase', { project: PROJECT, instance: 'src', database: 'metrics', charset: 'utf8mb4', collation: 'utf8mb4_bin' });
    recorder.log.length = 0;
    await admin.deleteDatabase('src', 'metrics');
    check('deleteDatabase', { project: PROJECT, instance: 'src', database: 'metrics' });
    recorder.log.length = 0;
    await admin.listUsers('src');
    check('listUsers', { project: PROJECT, instance: 'src' });
    recorder.log.length = 0;
    await admin.insertUser('src', { name: 'svc', password: 'fixture-password', host: '%' });
    check('insertUser', { project: PROJECT, instance: 'src', user: 'svc', password: 'fixture-password', host: '%' });
    recorder.log.length = 0;
    await admin.deleteUser('src', 'svc', '%');
    check('deleteUser', { project: PROJECT, instance: 'src', user: 'svc', host: '%' });
  });

  it('has a fixture for every adapter method, each naming its source', () => {
    const methods = Object.getOwnPropertyNames(GcpSqlAdmin.prototype).filter((m) => m !== 'constructor' && !m.startsWith('wait') && !m.startsWith('each') && !['call', 'clientOptions'].includes(m));
    const covered = new Set(Object.keys(fixtures).map((k) => k.replace(/\(.*\)$/, '')));
    expect(methods.filter((m) => !covered.has(m) && !['project', 'callOptions', 'callTimeoutMs'].includes(m))).toEqual([]);
    for (const f of Object.values(fixtures)) expect(f.source).toMatch(/^https:\/\/cloud\.google\.com\/sql\/docs\//);
  });
});
