/**
 * Conformance corpus: Google's public Cloud Workflows samples (read-only, outside the repo; override the location
 * with WORKFLOWS_CORPUS_DIR). Every sample must load and validate; every sample that needs only the language,
 * the standard library and http.* runs with its expected output; the connector samples for the APIs gcp-sim
 * simulates run against an in-process gcp-sim. Samples left out, with their reasons, are in README.md here.
 * Where a sample's comment documents no expected output, the expectation below is derived from the syntax and
 * standard-library reference, and the test title says so ("derived: ...").
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../shared/adapters/local/virtual-clock.ts';
import { LOCAL_TOKEN } from '../../shared/adapters/local/local-auth.ts';
import { createDefaultSimServices } from '../../shared/local/gcp-sim/default-services.ts';
import { startGcpSim, type GcpSim } from '../../shared/local/gcp-sim/server.ts';
import type { SimService } from '../../shared/local/gcp-sim/service.ts';
import { PubsubSim } from '../../shared/local/gcp-sim/services/pubsub.ts';
import { WorkflowExecutionsSim } from '../../shared/local/gcp-sim/services/workflowexecutions.ts';
import { EngineExecutionBackend } from '../../shared/local/gcp-sim/services/workflowexecutions/engine-backend.ts';
import { startPubsubEmulator, type PubsubEmulator } from '../../shared/local/pubsub/emulator.ts';
import { loadWorkflow, runWorkflow, SIMULATED_SERVICES, type ExecutionResult, type RunOptions } from '../../shared/local/workflow-engine/index.ts';
import { RecordingClock } from '../shared/local/workflow-engine/helpers.ts';
import { startFakeInternet, type FakeInternet, type Route } from './fake-internet.ts';

const CORPUS = process.env.WORKFLOWS_CORPUS_DIR
  ?? fileURLToPath(new URL('../../../shared/corpus/workflows-samples/src/', import.meta.url));
const haveCorpus = existsSync(CORPUS);

function samples(): string[] {
  if (!haveCorpus) return [];
  const top = readdirSync(CORPUS).filter((f) => f.endsWith('.yaml'));
  const connectors = existsSync(join(CORPUS, 'connectors'))
    ? readdirSync(join(CORPUS, 'connectors')).filter((f) => f.endsWith('.yaml')).map((f) => `connectors/${f}`)
    : [];
  return [...top, ...connectors].sort();
}

function source(file: string, replacements: Record<string, string> = {}): string {
  let text = readFileSync(join(CORPUS, file), 'utf8');
  for (const [from, to] of Object.entries(replacements)) text = text.split(from).join(to);
  return text;
}

let net: FakeInternet;

async function runSample(file: string, argument: unknown, route: Route, options: RunOptions = {}): Promise<ExecutionResult> {
  net.route(route);
  return runWorkflow(loadWorkflow(source(file), file), argument, { clock: new VirtualClock('2026-01-02T00:00:00Z'), fetch: net.fetch, ...options });
}

function succeeded(r: ExecutionResult): unknown {
  if (r.state !== 'SUCCEEDED') throw new Error(`expected SUCCEEDED, got ${r.state}: ${JSON.stringify(r.state === 'FAILED' ? r.error : r)}`);
  return r.result;
}

function failedWith(r: ExecutionResult): { tags: string[]; payload: Record<string, unknown> } {
  if (r.state !== 'FAILED') throw new Error(`expected FAILED, got ${r.state}: ${JSON.stringify(r)}`);
  return { tags: r.error.tags ?? [], payload: JSON.parse(r.error.payload) as Record<string, unknown> };
}

const none: Route = () => undefined;

// The corpus sits beside the checkout (CI gets a copy of shared/ there); its absence is a failure,
// not a silent skip, so a green run always means the samples ran.
describe('Cloud Workflows samples: the corpus', () => {
  it('is present', () => {
    expect(haveCorpus, `no conformance corpus at ${CORPUS}; put shared/ beside the checkout or set WORKFLOWS_CORPUS_DIR`).toBe(true);
  });
});

/**
 * The samples that call what the engine does not run, by the connector service, module or Google API they need
 * (README.md, "Left out"). Loading reports exactly these (WorkflowProgram.unsupported); anything else is a load
 * failure. The five http.* samples to Google APIs gcp-sim lacks run below against loopback stand-ins instead.
 */
const UNSUPPORTED: Readonly<Record<string, readonly string[]>> = {
  'connect_compute_engine.workflows.yaml': ['compute'],
  'connect_firestore_read.workflows.yaml': ['firestore'],
  'connect_firestore_write.workflows.yaml': ['firestore'],
  'connect_translate.workflows.yaml': ['translation'],
  'vision_annotation.workflows.yaml': ['vision'],
  'bigquery_pagetoken.workflows.yaml': ['bigquery'],
  'connect_kubernetes_api_request.workflows.yaml': ['gke'],
  'connect_kubernetes_api_run_job.workflows.yaml': ['gke'],
  'connector_read_firestore.workflows.yaml': ['firestore'],
  'connector_schedule_tasks.workflows.yaml': ['cloudtasks'],
  'connector_start_compute_engine.workflows.yaml': ['compute'],
  'connector_stop_compute_engine.workflows.yaml': ['compute'],
  'connector_write_firestore.workflows.yaml': ['firestore'],
  'connector_write_sheets.workflows.yaml': ['sheets'],
  'connectors/connector_aiplatform.workflows.yaml': ['aiplatform'],
  'connectors/connector_batch.workflows.yaml': ['batch'],
  'connectors/connector_bigquery.workflows.yaml': ['bigquery'],
  'connectors/connector_bigquerydatatransfer.workflows.yaml': ['bigquery', 'bigquerydatatransfer'],
  'connectors/connector_cloudbuild.workflows.yaml': ['cloudbuild'],
  'connectors/connector_cloudfunctions.workflows.yaml': ['cloudfunctions'],
  'connectors/connector_cloudresourcemanager.workflows.yaml': ['cloudresourcemanager'],
  'connectors/connector_cloudscheduler.workflows.yaml': ['cloudscheduler'],
  'connectors/connector_cloudtasks.workflows.yaml': ['cloudtasks'],
  'connectors/connector_compute.workflows.yaml': ['compute'],
  'connectors/connector_container.workflows.yaml': ['container'],
  'connectors/connector_dataflow.workflows.yaml': ['dataflow'],
  'connectors/connector_documentai.workflows.yaml': ['documentai'],
  'connectors/connector_firestore.workflows.yaml': ['firestore'],
  'connectors/connector_forms.workflows.yaml': ['forms'],
  'connectors/connector_gce.workflows.yaml': ['compute'],
  'connectors/connector_gke.workflows.yaml': ['container'],
  'connectors/connector_integrations.workflows.yaml': ['integrations'],
  'connectors/connector_language.workflows.yaml': ['language'],
  'connectors/connector_ml.workflows.yaml': ['ml'],
  'connectors/connector_run.workflows.yaml': ['run'],
  'connectors/connector_sheets.workflows.yaml': ['sheets'],
  'connectors/connector_spanner.workflows.yaml': ['spanner'],
  'connectors/connector_storagetransfer.workflows.yaml': ['storagetransfer'],
  'connectors/connector_transcoder.workflows.yaml': ['transcoder'],
  'connectors/connector_translate.workflows.yaml': ['translate'],
  'connectors/connector_workflows.workflows.yaml': ['workflows'],
  'iterate_googleapis_translate.workflows.yaml': ['translate'],
  'parallel_aggregate.workflows.yaml': ['bigquery'],
  'parallel_inline.workflows.yaml': ['translate'],
  'poll_bigquery_job_auto.workflows.yaml': ['bigquery'],
  'poll_bigquery_job_manual.workflows.yaml': ['bigquery'],
};

/** Loads one sample; a failure is a message, the report the services it needs beyond the engine. */
function loadReport(file: string): { failure?: string; unsupported: string[] } {
  try {
    const program = loadWorkflow(source(file), file);
    return { unsupported: [...new Set(program.unsupported.map((u) => u.service))].sort() };
  } catch (err) {
    return { failure: err instanceof Error ? err.message : String(err), unsupported: [] };
  }
}

describe.runIf(haveCorpus)('Cloud Workflows samples: every sample loads', () => {
  it('loads all of them; the only calls reported unsupported are the listed connectors and modules', () => {
    const all = samples();
    expect(all.length).toBeGreaterThanOrEqual(94);
    const failures: string[] = [];
    for (const file of all) {
      const r = loadReport(file);
      if (r.failure) failures.push(`${file}: does not load: ${r.failure}`);
      const expected = [...(UNSUPPORTED[file] ?? [])].sort();
      if (JSON.stringify(r.unsupported) !== JSON.stringify(expected)) {
        failures.push(`${file}: reported unsupported [${r.unsupported.join(', ')}], listed [${expected.join(', ')}]`);
      }
    }
    for (const listed of Object.keys(UNSUPPORTED)) if (!all.includes(listed)) failures.push(`${listed}: listed but not in the corpus`);
    expect(failures).toEqual([]);
  });

  it('names the unsupported call, its step and the simulated services', () => {
    const program = loadWorkflow(source('connectors/connector_bigquery.workflows.yaml'), 'connector_bigquery');
    expect(program.unsupported[0]).toMatchObject({
      service: 'bigquery', name: expect.stringMatching(/^googleapis\.bigquery\./) as unknown, step: expect.any(String) as unknown,
      reason: `the bigquery connector is not simulated (simulated: ${SIMULATED_SERVICES.join(', ')})`,
    });
  });
});

describe.runIf(haveCorpus)('Cloud Workflows samples: language, stdlib and http.* samples run', () => {
  beforeAll(async () => { net = await startFakeInternet(); });
  afterAll(async () => { await net.close(); });

  it('args (derived: "Hello " + first + " " + last)', async () => {
    expect(succeeded(await runSample('args.workflows.yaml', { firstName: 'Ada', lastName: 'Lovelace' }, none))).toBe('Hello Ada Lovelace');
  });

  it('array and step_iterate (derived: the loop concatenates "foo"+"ba"+"r")', async () => {
    for (const f of ['array.workflows.yaml', 'step_iterate.workflows.yaml']) {
      expect(succeeded(await runSample(f, null, none))).toEqual({ concat_result: 'foobar' });
    }
  });

  it('dictionary, list and vars (derived: no return step, so the result is null)', async () => {
    for (const f of ['dictionary.workflows.yaml', 'list.workflows.yaml', 'vars.workflows.yaml']) {
      expect(succeeded(await runSample(f, null, none))).toBeNull();
    }
  });

  it('expression (derived: 27 * 9 / 5 + 32 = 80.6, a double)', async () => {
    expect(succeeded(await runSample('expression.workflows.yaml', null, none))).toBe('Current temperature is 80.6 F');
  });

  it('iterate_for_range / iterate_list / iterate_map (the comments give 45, 15 and 60)', async () => {
    expect(succeeded(await runSample('iterate_for_range.workflows.yaml', null, none))).toBe(45);
    expect(succeeded(await runSample('iterate_list.workflows.yaml', null, none))).toBe(15);
    expect(succeeded(await runSample('iterate_map.workflows.yaml', null, none))).toBe(60);
  });

  it('list_reverse (documented: [3,2,1])', async () => {
    expect(succeeded(await runSample('list_reverse.workflows.yaml', null, none))).toEqual([3, 2, 1]);
  });

  it('loop_scope (derived: workflowScope ends as the last inner value, 8)', async () => {
    expect(succeeded(await runSample('loop_scope.workflows.yaml', null, none))).toEqual([8]);
  });

  it('step_switch_embedded (derived: a == 1, so a becomes 8 and the embedded return fires)', async () => {
    expect(succeeded(await runSample('step_switch_embedded.workflows.yaml', null, none))).toBe('increase a to:8');
  });

  it('subworkflow (derived: "Hello " + "Kristof")', async () => {
    expect(succeeded(await runSample('subworkflow.workflows.yaml', null, none))).toBe('Hello Kristof');
  });

  it('parallel_error_handling (derived: odd iterations raise; the except returns the UnhandledBranchError)', async () => {
    const r = succeeded(await runSample('parallel_error_handling.workflows.yaml', null, none)) as { tags: string[]; branches: { id: string; error: { payload: string } }[] };
    expect(r.tags).toEqual(['UnhandledBranchError']);
    expect(r.branches.map((b) => [b.id, JSON.parse(b.error.payload)])).toEqual([['1', 'how odd!'], ['3', 'how odd!'], ['5', 'how odd!']]);
  });

  it('http_get (derived: returns the response body; query and headers reach the server)', async () => {
    const r = await runSample('http_get.workflows.yaml', null, (q) => (q.host === 'www.example.com' && q.path === '/endpoint' ? { json: { received: q.query } } : undefined));
    expect(succeeded(r)).toEqual({ received: { some_val: 'Hello World', another_val: '123' } });
    expect(net.requests[0].headers['content-type']).toBe('text/plain');
  });

  it('http_post (derived: the body goes JSON-encoded; returns the response body)', async () => {
    const r = await runSample('http_post.workflows.yaml', null, (q) => (q.method === 'POST' ? { json: JSON.parse(q.body) as unknown } : undefined));
    expect(succeeded(r)).toEqual({ some_val: 'Hello World', another_val: 123 });
  });

  it('connect_functions / connect_run (derived: return the service response body; auth is ignored locally)', async () => {
    const fn = await runSample('connect_functions.workflows.yaml', null, (q) => (q.host === 'us-central1-myproject123.cloudfunctions.net' ? { json: { echoed: JSON.parse(q.body) as unknown } } : undefined));
    expect(succeeded(fn)).toEqual({ echoed: { some_val: 'Hello World', another_val: 123 } });
    const run = await runSample('connect_run.workflows.yaml', null, (q) => (q.host === 'example-12345-ew.a.run.app' ? { text: `hi ${q.query.some_val}` } : undefined));
    expect(succeeded(run)).toBe('hi Hello World');
  });

  it('error_catch (derived: one run per branch of the except switch)', async () => {
    const f = 'error_catch.workflows.yaml';
    expect(succeeded(await runSample(f, null, () => ({ json: { data: 1 } })))).toEqual({ data: 1 });
    expect(succeeded(await runSample(f, null, () => ({ status: 404, json: {} })))).toBe("Sorry, URL wasn't found");
    expect(succeeded(await runSample(f, null, () => ({ status: 403, json: {} })))).toBe('Authentication error');
    net.unreachable.add('/someapi');
    try {
      expect(succeeded(await runSample(f, null, none))).toBe('Connection problem; check URL');
    } finally {
      net.unreachable.delete('/someapi');
    }
    const unknown = failedWith(await runSample(f, null, () => ({ status: 500, json: { boom: true } })));
    expect(unknown.tags).toEqual(['HttpError']);
    expect(unknown.payload).toMatchObject({ code: 500, body: { boom: true } });
  });

  it('error_retry (derived: http.default_retry retries two 503s after 1 s and 1.25 s, then succeeds)', async () => {
    let calls = 0;
    const clock = new RecordingClock();
    const r = await runSample('error_retry.workflows.yaml', null, () => (++calls < 3 ? { status: 503, json: {} } : { json: { ok: 1 } }), { clock });
    expect(succeeded(r)).toBeNull();
    expect(clock.sleeps).toEqual([1000, 1250]);
  });

  it('error_retry_custom (derived: default predicate with backoff 2 s ×2)', async () => {
    let calls = 0;
    const clock = new RecordingClock();
    const r = await runSample('error_retry_custom.workflows.yaml', null, () => (++calls < 4 ? { status: 429, json: {} } : { json: {} }), { clock });
    expect(succeeded(r)).toBeNull();
    expect(clock.sleeps).toEqual([2000, 4000, 8000]);
  });

  it('error_retry_500 and error_retry_http_status (derived: the predicate retries 500 only; result "OK")', async () => {
    for (const f of ['error_retry_500.workflows.yaml', 'error_retry_http_status.workflows.yaml']) {
      let calls = 0;
      const clock = new RecordingClock();
      expect(succeeded(await runSample(f, null, () => (++calls < 3 ? { status: 500, json: {} } : { json: {} }), { clock }))).toBe('OK');
      expect(clock.sleeps).toEqual([2000, 4000]);
      const notRetried = failedWith(await runSample(f, null, () => ({ status: 503, json: {} })));
      expect(notRetried.payload).toMatchObject({ code: 503 });
    }
  });

  it('error_retry_http_other (derived: a 202 response is raised and retried until a 200)', async () => {
    let calls = 0;
    const clock = new RecordingClock();
    const r = await runSample('error_retry_http_other.workflows.yaml', null, () => (++calls < 3 ? { status: 202, json: {} } : { json: {} }), { clock });
    expect(succeeded(r)).toBeNull();
    expect(calls).toBe(3);
    expect(clock.sleeps).toEqual([2000, 4000]);
  });

  it('error_retry_predicate (documented: fails with the HTTP 404; the predicate logs tags, message and code)', async () => {
    const r = await runSample('error_retry_predicate.workflows.yaml', null, () => ({ status: 404, json: { error: 'nope' } }));
    const f = failedWith(r);
    expect(f.tags).toEqual(['HttpError']);
    expect(f.payload).toMatchObject({ code: 404 });
    expect(r.logs.map((l) => l.payload)).toEqual([['HttpError'], 'HTTP server responded with error code 404', 404]);
  });

  it('iterate_for_in_http (derived: `in: ${userIds}` is the whole response map, and for-in needs a list, so TypeError)', async () => {
    const r = await runSample('iterate_for_in_http.workflows.yaml', null, (q) => (q.path === '/getUserIDs' ? { json: [1, 2, 3] } : undefined));
    const f = failedWith(r);
    expect(f.tags).toEqual(['TypeError']);
    expect(String(f.payload.message)).toMatch(/must be a list, got map/);
    expect(net.requests.map((q) => q.path)).toEqual(['/getUserIDs']);
  });

  it('iterate_for_range_http (derived: the condition is the whole response map, not a bool, so it raises TypeError)', async () => {
    const r = await runSample('iterate_for_range_http.workflows.yaml', null, () => ({ json: true }));
    expect(failedWith(r).tags).toEqual(['TypeError']);
    expect(net.requests[0].query.temp).toBe('-14.5');
  });

  it('myFirstWorkflow and step_conditional_weekend (derived from the timeapi.io and Wikipedia response shapes)', async () => {
    const route: Route = (q) => {
      if (q.host === 'timeapi.io') return { json: { dayOfWeek: 'Friday', timeZone: q.query.timeZone } };
      if (q.host === 'en.wikipedia.org') return { json: [q.query.search, [`${q.query.search}`, `${q.query.search} (film)`], ['', ''], ['', '']] };
      return undefined;
    };
    expect(succeeded(await runSample('myFirstWorkflow.workflows.yaml', null, route))).toEqual(['Friday', 'Friday (film)']);
    expect(succeeded(await runSample('step_conditional_weekend.workflows.yaml', null, route))).toBe("It's Friday! Almost the weekend!");
    expect(succeeded(await runSample('step_conditional_weekend.workflows.yaml', null, () => ({ json: { dayOfWeek: 'Sunday' } })))).toBe("It's the weekend!");
    expect(succeeded(await runSample('step_conditional_weekend.workflows.yaml', null, () => ({ json: { dayOfWeek: 'Tuesday' } })))).toBe("It's the work week.");
  });

  it('quickstart (derived: without searchTerm it searches the first part of GOOGLE_CLOUD_LOCATION)', async () => {
    const route: Route = (q) => (q.host === 'en.wikipedia.org' ? { json: [q.query.search, [`${q.query.search} result`]] } : undefined);
    expect(succeeded(await runSample('quickstart.workflows.yaml', {}, route))).toEqual(['us result']);
    expect(succeeded(await runSample('quickstart.workflows.yaml', { searchTerm: 'Cloud' }, route))).toEqual(['Cloud result']);
  });

  it('step_conditional_jump (derived: SomeField picks small/medium/large and then ends)', async () => {
    for (const [value, path] of [[5, '/SmallFunc'], [50, '/MediumFunc'], [500, '/LargeFunc']] as const) {
      const r = await runSample('step_conditional_jump.workflows.yaml', null, (q) => (q.path === '/callA' ? { json: { SomeField: value } } : { json: {} }));
      expect(succeeded(r)).toBeNull();
      expect(net.requests.map((q) => q.path)).toEqual(['/callA', path]);
    }
  });

  it('step_explicit and step_implicit (derived: the call order A, C, B and A, B, C)', async () => {
    await runSample('step_explicit.workflows.yaml', null, () => ({ json: {} }));
    expect(net.requests.map((q) => q.path)).toEqual(['/callA', '/callC', '/callB']);
    await runSample('step_implicit.workflows.yaml', null, () => ({ json: {} }));
    expect(net.requests.map((q) => q.path)).toEqual(['/callA', '/callB', '/callC']);
  });

  it('parallel_branch, parallel_loop, parallel_operations, parallel_shared_variables (derived: every branch request is made)', async () => {
    const r1 = await runSample('parallel_branch.workflows.yaml', { userId: 'u1', notificationId: 'n1' }, () => ({ json: {} }));
    expect(succeeded(r1)).toBeNull();
    expect(net.requests.map((q) => q.path).sort()).toEqual(['/notification/n1', '/users/u1']);
    const r2 = await runSample('parallel_loop.workflows.yaml', { notifications: ['a', 'b', 'c'] }, () => ({ json: {} }));
    expect(succeeded(r2)).toBeNull();
    expect(net.requests.map((q) => JSON.parse(q.body) as unknown).sort()).toEqual([{ notification: 'a' }, { notification: 'b' }, { notification: 'c' }]);
    const r3 = await runSample('parallel_operations.workflows.yaml', { userId: 'u9' }, (q) => (q.path === '/items' ? { status: 500, json: {} } : { json: { name: 'x' } }));
    expect(succeeded(r3)).toBeNull();
    const r4 = await runSample('parallel_shared_variables.workflows.yaml', null, () => ({ json: { some: { entry: 3 } } }));
    expect(succeeded(r4)).toBeNull();
    expect(net.requests.map((q) => q.path).sort()).toEqual(['/getStock/apples', '/orderStock/oranges']);
  });

  it('parallel_iteration (derived: numComments is the whole response map, so total + numComments raises TypeError in each branch)', async () => {
    const f = failedWith(await runSample('parallel_iteration.workflows.yaml', { posts: ['1', '2'] }, () => ({ json: 3 })));
    expect(f.tags).toEqual(['UnhandledBranchError']);
    expect((f.payload.branches as { error: { payload: string } }[]).map((b) => (JSON.parse(b.error.payload) as { tags: string[] }).tags[0])).toEqual(['TypeError', 'TypeError']);
  });

  it('connect_firestore_read / connect_firestore_write (derived from Firestore REST response shapes)', async () => {
    const doc = { name: 'projects/myproject123/databases/(default)/documents/myEntries/Report', fields: { LastName: { stringValue: 'Smith' } } };
    expect(succeeded(await runSample('connect_firestore_read.workflows.yaml', null, (q) => (q.host === 'firestore.googleapis.com' ? { json: doc } : undefined)))).toBe('Smith');
    expect(succeeded(await runSample('connect_firestore_read.workflows.yaml', null, () => ({ status: 404, json: {} })))).toBe('Document not found.');
    expect(succeeded(await runSample('connect_firestore_read.workflows.yaml', null, () => ({ status: 403, json: {} })))).toBe('Authentication error.');
    const w = await runSample('connect_firestore_write.workflows.yaml', null, (q) => (q.method === 'PATCH' ? { json: JSON.parse(q.body) as unknown } : undefined));
    expect(succeeded(w)).toBeNull();
    expect(JSON.parse(net.requests[0].body)).toEqual({ name: doc.name.replace('Report', 'Visits'), fields: { Counter: { integerValue: 7 } } });
  });

  it('connect_translate, vision_annotation, connect_compute_engine (derived from the APIs\' response shapes)', async () => {
    const t = await runSample('connect_translate.workflows.yaml', { textToTranslate: 'hello' }, (q) => (q.path.endsWith(':translateText') ? { json: { translations: [{ translatedText: 'привет' }] } } : undefined));
    expect(succeeded(t)).toBe('привет');
    expect(net.requests[0].path).toBe('/v3/projects/123456789012:translateText');
    const label = { mid: '/m/01', description: 'Cat', score: 0.98 };
    const v = await runSample('vision_annotation.workflows.yaml', { requests: [{ image: { source: { gcsImageUri: 'gs://b/i.jpg' } } }] }, () => ({ json: { responses: [{ labelAnnotations: [label] }] } }));
    expect(succeeded(v)).toEqual(label);
    const c = await runSample('connect_compute_engine.workflows.yaml', null, () => ({ json: { kind: 'compute#operation', status: 'RUNNING' } }));
    expect(succeeded(c)).toBeNull();
    expect(net.requests[0].path).toBe('/compute/v1/projects/123456789012/zones/us-central1-a/instances/examplevm/stop');
  });
});

describe.runIf(haveCorpus)('Cloud Workflows samples: connector samples against gcp-sim', () => {
  let sim: GcpSim;
  let emulator: PubsubEmulator;
  let engine: EngineExecutionBackend;
  let workflowsDir: string;
  const clock = new VirtualClock('2026-01-02T00:00:00Z');
  const projectId = 'sample-project';

  beforeAll(async () => {
    workflowsDir = mkdtempSync(join(tmpdir(), 'wf-corpus-'));
    // The samples run an existing workflow named "translate"; this stand-in returns the text with its target language.
    writeFileSync(join(workflowsDir, 'translate.yaml'), `
main:
  params: [args]
  steps:
    - r:
        return: \${args.text + " -> " + args.target}
`);
    writeFileSync(join(workflowsDir, 'echo.yaml'), `
main:
  params: [args]
  steps:
    - r:
        return: \${args}
`);
    emulator = await startPubsubEmulator({});
    engine = new EngineExecutionBackend({ workflowsDir, clock, projectId });
    const services: SimService[] = createDefaultSimServices({ projectId, clock })
      .map((s) => (s.name === 'workflowexecutions' ? new WorkflowExecutionsSim(engine) : s));
    services.push(new PubsubSim(emulator));
    sim = await startGcpSim({ clock, services });
  });
  afterAll(async () => {
    await sim?.close();
    await engine?.close();
    await emulator?.close();
    rmSync(workflowsDir, { recursive: true, force: true });
  });

  const runAgainstSim = (file: string, replacements: Record<string, string> = {}): Promise<ExecutionResult> =>
    runWorkflow(loadWorkflow(source(file, replacements), file), null, {
      clock, connectorBaseUrl: sim.url, tokenProvider: async () => LOCAL_TOKEN, identity: { projectId, location: 'us-central1' },
    });

  const rest = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${sim.url}${path}`, {
      method, headers: { authorization: `Bearer ${LOCAL_TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };

  it('connectors/connector_sqladmin (documented: "SUCCESS")', async () => {
    const r = await runAgainstSim('connectors/connector_sqladmin.workflows.yaml', { '[fill in an instance name]': 'sample-sql' });
    expect(succeeded(r)).toBe('SUCCESS');
  });

  it('connectors/connector_pubsub (documented: "SUCCESS"; the pulled data matches what was published)', async () => {
    const r = await runAgainstSim('connectors/connector_pubsub.workflows.yaml', { TOPIC_ID: 'sample-topic', SUBSCRIPTION_ID: 'sample-sub' });
    expect(succeeded(r)).toBe('SUCCESS');
    // The sample deletes what it created.
    expect(emulator.topics().map((t) => t.name)).not.toContain(`projects/${projectId}/topics/sample-topic`);
    expect(emulator.subscriptions().map((x) => x.name)).not.toContain(`projects/${projectId}/subscriptions/sample-sub`);
  });

  it('connectors/connector_storage (documented: "SUCCESS")', async () => {
    const r = await runAgainstSim('connectors/connector_storage.workflows.yaml', { BUCKET_NAME: 'sample-bucket-1', FILE_NAME: 'notes' });
    expect(succeeded(r)).toBe('SUCCESS');
  });

  it('connectors/connector_secretmanager (documented: the secret data, thrice)', async () => {
    await rest('POST', `/v1/projects/${projectId}/secrets?secretId=test-secret`, { replication: { automatic: {} } });
    await rest('POST', `/v1/projects/${projectId}/secrets/test-secret:addVersion`, { payload: { data: Buffer.from('version one').toString('base64') } });
    const r = await runAgainstSim('connectors/connector_secretmanager.workflows.yaml');
    expect(succeeded(r)).toEqual(['version one', 'version one', 'version one']);
  });

  it('connector_access_secret (derived: reads version 1 of test-secret; no return, so null)', async () => {
    // The sample names the project by GOOGLE_CLOUD_PROJECT_NUMBER; gcp-sim keys resources by the literal project segment.
    await rest('POST', '/v1/projects/123456789012/secrets?secretId=test-secret', { replication: { automatic: {} } });
    await rest('POST', '/v1/projects/123456789012/secrets/test-secret:addVersion', { payload: { data: Buffer.from('v1').toString('base64') } });
    const r = await runAgainstSim('connector_access_secret.workflows.yaml');
    expect(succeeded(r)).toBeNull();
  });

  it('connector_publish_pubsub (derived: returns the publish response with one message id)', async () => {
    await rest('PUT', `/v1/projects/${projectId}/topics/mytopic1`, {});
    const r = succeeded(await runAgainstSim('connector_publish_pubsub.workflows.yaml')) as { messageIds: string[] };
    expect(r.messageIds).toHaveLength(1);
  });

  it('connectors/connector_workflowexecutions (derived: r1 is the run\'s result, r2 the created execution)', async () => {
    const r = succeeded(await runAgainstSim('connectors/connector_workflowexecutions.workflows.yaml', { '[fill in the workflow to execute]': 'echo' })) as [unknown, { name: string; argument: string }];
    expect(r[0]).toEqual({ hello: 'world', integer: 100, boolean: true });
    expect(r[1].name).toMatch(new RegExp(`^projects/${projectId}/locations/us-central1/workflows/echo/executions/`));
    expect(JSON.parse(r[1].argument)).toEqual({ hello: 'world', integer: 100, boolean: true });
  });

  it('parallel_for_in and parallel_for_range (derived: each text goes through the stand-in "translate" workflow)', async () => {
    const expected = ['hello world! -> fr', '你好 世界！ -> en', 'No hablo español! -> en'];
    expect(succeeded(await runAgainstSim('parallel_for_in.workflows.yaml'))).toEqual(expected);
    expect(succeeded(await runAgainstSim('parallel_for_range.workflows.yaml'))).toEqual(expected);
  });
});
