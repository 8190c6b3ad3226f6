/**
 * `guardrails list|reset`: the remediation guardrails' state (cooldowns, circuit breakers, the
 * global rate limit, in-flight records), locally or with --project. The store keeps them as
 * versioned key/value documents keyed by target, and has no listing of keys, so the targets
 * are those the alerts runs name. A reset writes through the same compare-and-set as the
 * flow, only changes what is active, and is audited with what it replaced.
 */
import type { Command } from 'commander';
import type { BreakerState, CooldownState, InFlightState, RateState } from '../../../domain/remediation/guardrails.ts';
import { startsInLastHour } from '../../../domain/remediation/guardrails.ts';
import type { StateStore } from '../../../ports/state-store.ts';
import { GUARD_NAMESPACES, isInFlightState, RATE_KEY, readValue, updateValue } from '../../../flows/alerts/guard-state.ts';
import { age, renderTable, terminalWidth } from '../format/table.ts';
import { CliError, globalOptions, printResult, UsageError } from '../output.ts';
import { resolveTarget, withTargetOptions, type TargetFlags } from '../target.ts';

export interface TargetGuardrails {
  target: string;
  cooldownUntil?: string;
  cooldownRun?: string;
  failures: BreakerState['failures'];
  inFlight?: InFlightState;
}

export interface GuardrailsView {
  targets: TargetGuardrails[];
  rate: { startedInLastHour: number; starts: RateState['starts'] };
}

const KINDS = ['cooldown', 'breaker', 'rate'] as const;
type Kind = (typeof KINDS)[number];

async function knownTargets(store: StateStore): Promise<string[]> {
  const runs = await store.listRuns({ flow: 'alerts', limit: 2000 });
  return [...new Set(runs.map((r) => r.refs?.target).filter((t): t is string => Boolean(t)))].sort();
}

export async function readGuardrails(store: StateStore, now: Date, only?: string): Promise<GuardrailsView> {
  const targets = only ? [only] : await knownTargets(store);
  const out: TargetGuardrails[] = [];
  for (const target of targets) {
    const [cooldown, breaker, inFlight] = await Promise.all([
      readValue<CooldownState>(store, GUARD_NAMESPACES.cooldown, target),
      readValue<BreakerState>(store, GUARD_NAMESPACES.breaker, target),
      readValue<unknown>(store, GUARD_NAMESPACES.inFlight, target),
    ]);
    const active = cooldown && Date.parse(cooldown.until) > now.getTime() ? cooldown : undefined;
    out.push({
      target,
      ...(active ? { cooldownUntil: active.until, cooldownRun: active.runId } : {}),
      failures: breaker?.failures ?? [],
      ...(isInFlightState(inFlight) ? { inFlight } : {}),
    });
  }
  const rate = await readValue<RateState>(store, GUARD_NAMESPACES.rate, RATE_KEY);
  const starts = startsInLastHour(rate, now);
  return { targets: out, rate: { startedInLastHour: starts.length, starts } };
}

function until(iso: string, now: Date): string {
  const ms = Date.parse(iso) - now.getTime();
  return ms > 0 ? `${age(new Date(now.getTime() - ms).toISOString(), now)} left` : '';
}

function view(v: GuardrailsView, options: { width: number; color: boolean }, now: Date): string {
  const lines: string[] = [];
  if (v.targets.length === 0) lines.push('no remediation targets yet');
  else {
    lines.push(renderTable(
      [{ header: 'TARGET', shrink: true, min: 14 }, { header: 'COOLDOWN' }, { header: 'FAILURES' }, { header: 'LAST FAILURE' }, { header: 'IN FLIGHT', shrink: true, min: 10 }],
      v.targets.map((t) => [
        t.target,
        t.cooldownUntil ? until(t.cooldownUntil, now) : '',
        String(t.failures.length),
        t.failures.length ? `${age(t.failures.at(-1)!.at, now)} ago` : '',
        t.inFlight ? `${t.inFlight.workflow} (run ${t.inFlight.runId.slice(0, 8)})` : '',
      ]),
      options,
    ));
  }
  lines.push(`rate limit: ${v.rate.startedInLastHour} remediation(s) started in the last hour`);
  return lines.join('\n');
}

async function reset(store: StateStore, kind: Kind, target: string | undefined, now: Date, actor: string): Promise<{ kind: Kind; target?: string; changed: boolean; previous: unknown }> {
  if (kind === 'rate') {
    const previous = await readValue<RateState>(store, GUARD_NAMESPACES.rate, RATE_KEY);
    const changed = await updateValue<RateState, boolean>(store, GUARD_NAMESPACES.rate, RATE_KEY, (current) => (
      startsInLastHour(current, now).length > 0 ? { value: { starts: [] }, result: true } : { result: false }));
    return record(store, { kind, changed, previous }, actor);
  }
  if (!target) throw new UsageError(`guardrails reset ${kind} needs --target T`, 'see the targets with `stackctl guardrails list`');
  if (kind === 'cooldown') {
    const previous = await readValue<CooldownState>(store, GUARD_NAMESPACES.cooldown, target);
    const changed = await updateValue<CooldownState, boolean>(store, GUARD_NAMESPACES.cooldown, target, (current) => (
      current && Date.parse(current.until) > now.getTime() ? { value: { ...current, until: now.toISOString() }, result: true } : { result: false }));
    return record(store, { kind, target, changed, previous }, actor);
  }
  const previous = await readValue<BreakerState>(store, GUARD_NAMESPACES.breaker, target);
  const changed = await updateValue<BreakerState, boolean>(store, GUARD_NAMESPACES.breaker, target, (current) => (
    current && current.failures.length > 0 ? { value: { failures: [] }, result: true } : { result: false }));
  return record(store, { kind, target, changed, previous }, actor);
}

async function record<T extends { kind: Kind; target?: string; changed: boolean; previous: unknown }>(store: StateStore, result: T, actor: string): Promise<T> {
  if (result.changed) {
    await store.appendAudit({
      flow: 'cli', actor, action: `guardrails.reset-${result.kind}`, target: result.target, result: 'ok',
      reason: `reset the ${result.kind === 'breaker' ? 'circuit breaker' : result.kind === 'rate' ? 'global rate limit' : 'cooldown'}${result.target ? ` of ${result.target}` : ''}`,
      details: { previous: result.previous },
    });
  }
  return result;
}

export function register(program: Command): void {
  const guardrails = program.command('guardrails').description('list or reset the remediation guardrails: cooldowns, circuit breakers, the rate limit');

  withTargetOptions(guardrails
    .command('list')
    .description('cooldowns, circuit-breaker failures and in-flight remediations per target, and the global rate')
    .option('--target <target>', 'one target (e.g. instance:zenml-metadata)'))
    .action(async (opts: TargetFlags & { target?: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const target = resolveTarget(global, opts);
      const store = await target.openStore();
      try {
        const now = new Date();
        const v = await readGuardrails(store, now, opts.target);
        printResult(global, v, () => view(v, { width: terminalWidth(), color: global.color }, now));
      } finally {
        await store.close();
      }
    });

  withTargetOptions(guardrails
    .command('reset')
    .description('end a cooldown, close a circuit breaker, or clear the rate limit (audited)')
    .argument('<what>', KINDS.join('|') + '|all')
    .option('--target <target>', 'the target (cooldown, breaker, all)')
    .option('--actor <name>', 'who resets (default: $USER), for the audit'))
    .action(async (what: string, opts: TargetFlags & { target?: string; actor?: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const kinds: Kind[] = what === 'all' ? [...KINDS] : (KINDS as readonly string[]).includes(what) ? [what as Kind] : [];
      if (kinds.length === 0) throw new UsageError(`guardrails reset: unknown guardrail "${what}"`, `use one of: ${KINDS.join(', ')}, all`);
      const target = resolveTarget(global, opts);
      const store = await target.openStore();
      try {
        if (opts.target && !(await knownTargets(store)).includes(opts.target)) {
          throw new CliError(`no remediation has run on target ${opts.target} in ${target.label}`, 'see the targets with `stackctl guardrails list`');
        }
        const now = new Date();
        const actor = opts.actor ?? process.env.USER ?? 'stackctl';
        const results: Array<Awaited<ReturnType<typeof reset>>> = [];
        // `reset all` without --target: every target's cooldown and breaker, and the rate.
        const targets = opts.target ? [opts.target] : what === 'all' ? await knownTargets(store) : [undefined];
        for (const kind of kinds) {
          for (const t of kind === 'rate' ? [undefined] : targets) results.push(await reset(store, kind, t, now, actor));
        }
        printResult(global, { reset: results }, () => results.map((r) => `${r.kind}${r.target ? ` ${r.target}` : ''}: ${r.changed ? 'reset (audited)' : 'nothing to reset'}`).join('\n'));
      } finally {
        await store.close();
      }
    });
}
