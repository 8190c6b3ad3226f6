/**
 * `stackctl approve|reject EXECUTION [--comment TEXT] [--approver NAME]`: answers a workflow
 * execution that waits for approval (pitr-restore's events.await_callback). As with the real
 * Workflow Executions API, it lists the execution's callbacks
 * (GET /v1/{execution}/callbacks) and POSTs the answer to the callback URL
 * (`/v1/{callback.name}`), with the body the workflow reads from `http_request.body`:
 * {"approved": bool, "approver": string, "comment"?: string}. The remediation run that started
 * the execution records the answer (refs.approval, audit); an approved run turns `executing`.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { LOCAL_TOKEN } from '../../../adapters/local/local-auth.ts';
import type { Run, StateStore } from '../../../ports/state-store.ts';
import { CliError, globalOptions, printResult } from '../output.ts';
import { resolveTarget, withTargetOptions, type TargetFlags } from '../target.ts';

const EXECUTION_NAME = /^projects\/[^/]+\/locations\/[^/]+\/workflows\/[^/]+\/executions\/[^/]+$/;
const EXECUTION_ID = /^[a-zA-Z0-9_-]+$/;
const REQUEST_TIMEOUT_MS = 15_000;

export interface Callback { name: string; method?: string; waiters?: string | number; availablePayloads?: string[] }

export interface ApprovalAnswer { approved: boolean; approver: string; comment?: string }

export interface AnswerResult {
  execution: string;
  callback: string;
  answer: ApprovalAnswer;
  run?: { id: string; status: string };
}

async function call(url: string, init: RequestInit, what: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (err) {
    throw new CliError(`${what}: ${url} did not answer: ${(err as Error).message}`);
  }
  const text = await response.text();
  let body: unknown;
  try { body = text ? JSON.parse(text) : {}; } catch { body = text; }
  if (!response.ok) {
    const message = (body as { error?: { message?: string } })?.error?.message ?? text;
    throw new CliError(`${what} failed with HTTP ${response.status}: ${message}`);
  }
  return body;
}

/** The active callbacks of an execution, all pages. */
export async function listCallbacks(gcpSimUrl: string, execution: string, token: string = LOCAL_TOKEN): Promise<Callback[]> {
  const out: Callback[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < 100; page++) {
    const url = new URL(`/v1/${execution}/callbacks`, gcpSimUrl);
    if (pageToken) url.searchParams.set('pageToken', pageToken);
    const body = await call(url.toString(), { headers: { authorization: `Bearer ${token}` } }, `listing the callbacks of ${execution}`) as { callbacks?: Callback[]; nextPageToken?: string };
    out.push(...(body.callbacks ?? []));
    pageToken = body.nextPageToken;
    if (!pageToken) break;
  }
  return out;
}

/** Picks the callback to answer: the one a step waits on, else the only one. */
export function pendingCallback(execution: string, callbacks: Callback[]): Callback {
  const usable = callbacks.filter((c) => (c.method ?? 'POST').toUpperCase() === 'POST');
  if (usable.length === 0) {
    throw new CliError(`execution ${execution} is not waiting for an approval (it has no active POST callback)`, 'list the runs that wait with `stackctl runs --flow alerts --status awaiting-approval`');
  }
  const waiting = usable.filter((c) => Number(c.waiters ?? 0) > 0);
  if (waiting.length === 1) return waiting[0]!;
  if (usable.length === 1) return usable[0]!;
  throw new CliError(`execution ${execution} has ${usable.length} active callbacks (${usable.map((c) => c.name).join(', ')}); cannot tell which one is the approval`);
}

export async function answerApproval(options: {
  gcpSimUrl: string;
  /** Where callback URLs live; the Workflow Executions endpoint itself unless the stack serves them elsewhere. */
  callbacksUrl?: string;
  execution: string;
  answer: ApprovalAnswer;
  /** Bearer token for the API (an ADC access token in a project); the local fake one by default. */
  token?: string;
}): Promise<{ callback: string }> {
  const token = options.token ?? LOCAL_TOKEN;
  const callback = pendingCallback(options.execution, await listCallbacks(options.gcpSimUrl, options.execution, token));
  const url = new URL(`/v1/${callback.name}`, options.callbacksUrl ?? options.gcpSimUrl).toString();
  await call(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(options.answer),
  }, `answering ${callback.name}`);
  return { callback: callback.name };
}

/** Resolves an execution name, or a bare execution id of a remediation run waiting for approval. */
export async function resolveExecution(store: StateStore, value: string): Promise<string> {
  if (EXECUTION_NAME.test(value)) return value;
  if (!EXECUTION_ID.test(value)) {
    throw new CliError(`"${value}" is neither an execution name (projects/*/locations/*/workflows/*/executions/*) nor an execution id`);
  }
  const runs = await store.listRuns({ flow: 'alerts', status: 'awaiting-approval', limit: 1000 });
  const matches = runs.map((r) => r.refs?.execution).filter((e): e is string => Boolean(e?.endsWith(`/executions/${value}`)));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new CliError(`no remediation waiting for approval has execution id ${value}`, 'pass the full execution name, or see `stackctl runs --flow alerts --status awaiting-approval`');
  throw new CliError(`execution id ${value} is ambiguous: ${matches.join(', ')}`);
}

/** Records the answer on the remediation run that started the execution (if one did). */
export async function recordApproval(store: StateStore, execution: string, answer: ApprovalAnswer, callback: string, now: Date): Promise<Run | undefined> {
  const runs = await store.listRuns({ flow: 'alerts', status: 'awaiting-approval', limit: 1000 });
  const run = runs.find((r) => r.refs?.execution === execution);
  const decision = answer.approved ? 'approved' : 'rejected';
  let updated: Run | undefined;
  if (run) {
    updated = await store.updateRun(run.id, {
      // Approved: the work runs now, and a closed incident must no longer cancel it. Rejected: the
      // workflow ends by itself and the execution follower records how.
      ...(answer.approved ? { status: 'executing' as const } : {}),
      refs: { ...(run.refs ?? {}), approval: decision, approver: answer.approver, approvalAt: now.toISOString() },
    });
  }
  await store.appendAudit({
    flow: 'cli', runId: run?.id, actor: answer.approver, action: `alerts.${answer.approved ? 'approve' : 'reject'}`, target: run?.refs?.target,
    result: 'ok', reason: `${decision} execution ${execution}${answer.comment ? `: ${answer.comment}` : ''}`,
    details: { execution, callback, comment: answer.comment },
  });
  return updated;
}

function defaultApprover(): string {
  try {
    return process.env.USER || userInfo().username || 'stackctl';
  } catch {
    return 'stackctl';
  }
}

function answered(result: AnswerResult): string {
  const run = result.run;
  if (result.answer.approved) return `approved ${result.execution}${run ? ` (run ${run.id}, now ${run.status})` : ''}`;
  // The run ends when the workflow does (cancelled, nothing changed); the follower records it.
  return `rejected ${result.execution}: the workflow ends without changes${run ? `; run ${run.id} turns cancelled when it does (stackctl runs describe ${run.id})` : ''}`;
}

function registerAnswer(program: Command, verb: 'approve' | 'reject'): void {
  withTargetOptions(program
    .command(verb)
    .description(verb === 'approve'
      ? 'approve a remediation that waits for a human (e.g. pitr-restore); EXECUTION is its execution name or id'
      : 'reject a remediation that waits for a human; the workflow ends with nothing changed')
    .argument('<execution>', 'execution name (projects/*/locations/*/workflows/*/executions/*) or its id')
    .option('--comment <text>', 'why; kept in the audit and sent to the workflow')
    .option('--approver <name>', 'who answers (default: $USER)'))
    .action(async (value: string, opts: TargetFlags & { comment?: string; approver?: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const target = resolveTarget(global, opts);
      const store = await target.openStore();
      try {
        const execution = await resolveExecution(store, value);
        const api = await target.workflowsApi();
        const answer: ApprovalAnswer = { approved: verb === 'approve', approver: opts.approver ?? defaultApprover(), ...(opts.comment ? { comment: opts.comment } : {}) };
        const { callback } = await answerApproval({ gcpSimUrl: api.baseUrl, callbacksUrl: api.callbacksUrl, execution, answer, token: await api.token() });
        const run = await recordApproval(store, execution, answer, callback, new Date());
        const result: AnswerResult = { execution, callback, answer, ...(run ? { run: { id: run.id, status: run.status } } : {}) };
        printResult(global, result, () => answered(result));
      } finally {
        await store.close();
      }
    });
}

export function register(program: Command): void {
  registerAnswer(program, 'approve');
  registerAnswer(program, 'reject');
}
