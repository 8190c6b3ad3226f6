/**
 * The step interpreter: walks a loaded WorkflowProgram, one step at a time, with the scoping, jump, error and
 * retry semantics of the Cloud Workflows syntax reference. Everything that waits (sys.sleep, retry backoff,
 * operation polling, callback timeouts) waits on the injected clock.
 */
import { WorkflowError, tagged, toWorkflowError } from './errors.ts';
import { evaluate, evaluateSync, type Ast, type EvalScope } from './expr/index.ts';
import { BREAK, CONTINUE, errorOrigin, ExecutionCancelled, nextFlow, type Flow, type Thread } from './flow.ts';
import { formatRecord, type History, type RawStepRecord, type StepRecord } from './history.ts';
import type {
  CallStep, ForSpec, ForStep, RetrySpec, Step, StepList, Subworkflow, SwitchStep, TryStep, WorkflowProgram,
} from './model.ts';
import { runParallel } from './parallel.ts';
import { BLOCKING_FUNCTIONS } from './validate.ts';
import { backoffDelay, DEFAULT_BACKOFF, DEFAULT_MAX_RETRIES, makeBackoff, makeMaxRetries, POLICY_PREDICATE, PREDICATES, type Backoff } from './retry.ts';
import { Frame, MemoryMeter } from './scope.ts';
import { stdlib } from './stdlib/index.ts';
import { evalTemplate, evalTemplateSync, type AssignTarget, type Template } from './template.ts';
import { hasKey, isMap, sizeInBytes, typeName, type WfMap, type WfValue } from './values.ts';
import { disown, isOwned, measureAndRelease, ownedCopy, ownedEmptyMap } from './ownership.ts';
import type { Builtin, BuiltinContext } from './builtins/types.ts';

export interface InterpreterHooks {
  builtins: ReadonlyMap<string, Builtin>;
  /** Runs a `googleapis.*` connector call with named args. */
  connector(name: string, args: ReadonlyMap<string, WfValue>): Promise<WfValue>;
  /** Positional parameter order of a connector method, for calls inside expressions. */
  connectorParams(name: string): readonly string[] | undefined;
  history: History;
  onStep?: (record: StepRecord) => void;
  signal?: AbortSignal;
}

/** "Execution duration: 1 year" (Workflows limits): no single wait can be longer. */
const MAX_EXECUTION_SECONDS = 365 * 24 * 3600;

interface ResolvedRetry {
  maxRetries: number;
  backoff: Backoff;
  predicate: (e: WfValue) => Promise<boolean>;
}

export class Interpreter {
  readonly meter: MemoryMeter;
  private stepsExecuted = 0;
  private readonly scopes = new WeakMap<Frame, EvalScope>();
  private readonly threads = new WeakMap<Frame, Thread>();

  constructor(
    readonly program: WorkflowProgram,
    readonly ctx: BuiltinContext,
    private readonly hooks: InterpreterHooks,
  ) {
    this.meter = new MemoryMeter(program.limits.maxVariableMemoryBytes);
  }

  get steps(): number {
    return this.stepsExecuted;
  }

  /** Runs `main` with the execution argument; resolves to the workflow's result. */
  async run(argument: WfValue): Promise<WfValue> {
    const main = this.program.main;
    const args = new Map<string, WfValue>();
    if (main.params.length > 0) args.set(main.params[0].name, argument);
    return this.runRoutine(main, args, 0);
  }

  async runRoutine(sub: Subworkflow, args: ReadonlyMap<string, WfValue>, callerDepth: number): Promise<WfValue> {
    const depth = callerDepth + 1;
    if (depth > this.program.limits.maxCallStackDepth) {
      throw tagged('RecursionError', `maximum call stack depth of ${this.program.limits.maxCallStackDepth} exceeded calling "${sub.name}"`);
    }
    const frame = new Frame('routine', null, this.meter);
    const thread: Thread = { routine: sub.name, depth };
    this.threads.set(frame, thread);
    try {
      for (const name of args.keys()) {
        if (!sub.params.some((p) => p.name === name)) throw tagged('TypeError', `subworkflow "${sub.name}" got an unexpected argument "${name}"`);
      }
      for (const p of sub.params) {
        const given = args.get(p.name);
        if (given !== undefined) frame.setOwn(p.name, given);
        else if (p.default) frame.setOwn(p.name, await evalTemplate(p.default, this.scopeOf(frame)));
        else if (sub === this.program.main) frame.setOwn(p.name, null);
        else throw tagged('TypeError', `subworkflow "${sub.name}" is missing the required argument "${p.name}"`);
      }
      const flow = await this.execList(sub.body, frame, thread);
      return flow && flow.t === 'return' ? flow.v : null;
    } finally {
      frame.dispose();
    }
  }

  scopeOf(frame: Frame): EvalScope {
    let scope = this.scopes.get(frame);
    if (!scope) {
      scope = {
        lookup: (name) => frame.lookup(name),
        callExternal: (name, args) => this.callPositional(name, args, this.threadOf(frame)),
      };
      this.scopes.set(frame, scope);
    }
    return scope;
  }

  private threadOf(frame: Frame): Thread {
    for (let f: Frame | null = frame; f; f = f.parent) {
      const t = this.threads.get(f);
      if (t) return t;
    }
    throw tagged('SystemError', 'internal: frame without a thread');
  }

  /** Registers the thread a new (branch) frame runs on. */
  bindThread(frame: Frame, thread: Thread): void {
    this.threads.set(frame, thread);
  }

  async execList(list: StepList, frame: Frame, thread: Thread): Promise<Flow> {
    const steps = list.steps;
    let i = 0;
    while (i < steps.length) {
      const flow = await this.execStep(steps[i], frame, thread);
      if (flow === null) {
        i++;
        continue;
      }
      if (flow.t === 'jump') {
        const j = list.index.get(flow.to);
        if (j !== undefined) {
          i = j;
          continue;
        }
      }
      return flow;
    }
    return null;
  }

  private async execStep(step: Step, frame: Frame, thread: Thread): Promise<Flow> {
    if (this.hooks.signal?.aborted) throw new ExecutionCancelled();
    if (++this.stepsExecuted > this.program.limits.maxStepsPerExecution) {
      throw tagged('ResourceLimitError', `the execution ran more than ${this.program.limits.maxStepsPerExecution} steps (step "${step.name}")`);
    }
    const start = this.ctx.clock.now().getTime();
    let flow: Flow;
    try {
      flow = await this.execBody(step, frame, thread);
    } catch (raw) {
      if (raw instanceof ExecutionCancelled) throw raw;
      const err = toWorkflowError(raw);
      if (!errorOrigin.has(err)) errorOrigin.set(err, { step: step.name, routine: thread.routine });
      this.record(step, thread, start, 'FAILED', null, err);
      throw err;
    }
    this.record(step, thread, start, 'SUCCEEDED', flow);
    return flow;
  }

  private record(step: Step, thread: Thread, start: number, state: 'SUCCEEDED' | 'FAILED', flow: Flow, err?: WorkflowError): void {
    const record: RawStepRecord = {
      step: step.name, kind: step.kind, routine: thread.routine, where: step.where, start, end: this.ctx.clock.now().getTime(), state,
    };
    if (thread.branch !== undefined) record.branch = thread.branch;
    if (flow) record.next = flow.t === 'jump' ? flow.to : flow.t;
    if (err) record.error = err.message;
    this.hooks.history.add(record);
    this.hooks.onStep?.(formatRecord(record));
  }

  /** Runs a step's own body; used for named steps and for bodies embedded in try/switch. */
  async execBody(step: Step, frame: Frame, thread: Thread): Promise<Flow> {
    switch (step.kind) {
      case 'assign': {
        const scope = this.scopeOf(frame);
        for (const a of step.assignments) {
          // Sync expressions are evaluated and stored with no await in between, so an assignment to a shared
          // variable is atomic with respect to other parallel branches (as the reference guarantees).
          if (a.append && this.tryAppend(a.target, a.append, frame, scope)) continue;
          if (a.sync) this.assignSync(a.target, evalTemplateSync(a.value, scope), frame, scope);
          else await this.assign(a.target, await evalTemplate(a.value, scope), frame);
        }
        return nextFlow(step.next);
      }
      case 'call': return this.execCall(step, frame, thread);
      case 'switch': return this.execSwitch(step, frame, thread);
      case 'for': return this.execFor(step, frame, thread);
      case 'parallel': {
        const flow = await runParallel(this, step, frame, thread);
        return flow ?? nextFlow(step.next);
      }
      case 'try': return this.execTry(step, frame, thread);
      case 'raise': throw new WorkflowError(await evalTemplate(step.value, this.scopeOf(frame)));
      case 'return': return { t: 'return', v: await evalTemplate(step.value, this.scopeOf(frame)) };
      case 'steps': return (await this.execList(step.steps, frame, thread)) ?? nextFlow(step.next);
      case 'jump': return nextFlow(step.next);
    }
  }

  /** Assigns `value` to a target such as `a`, `a.b`, `a["k"][0]`, copying the containers on the path. */
  async assign(target: AssignTarget, value: WfValue, frame: Frame): Promise<void> {
    const keys: WfValue[] = [];
    for (const seg of target.path) keys.push(typeof seg === 'string' ? seg : await evaluate(seg, this.scopeOf(frame)));
    this.store(target, keys, value, frame);
  }

  /** assign() for targets whose index expressions are synchronous. */
  private assignSync(target: AssignTarget, value: WfValue, frame: Frame, scope: EvalScope): void {
    const keys: WfValue[] = target.path.length === 0 ? [] : target.path.map((seg) => (typeof seg === 'string' ? seg : evaluateSync(seg, scope)));
    this.store(target, keys, value, frame);
  }

  private store(target: AssignTarget, keys: WfValue[], value: WfValue, frame: Frame): void {
    if (typeof value === 'string' && value.length > this.program.limits.maxStringBytes / 4 && Buffer.byteLength(value) > this.program.limits.maxStringBytes) {
      throw tagged('ResourceLimitError', `string assigned to "${target.src}" is longer than the ${this.program.limits.maxStringBytes}-byte limit`);
    }
    if (keys.length === 0) {
      frame.assign(target.root, value);
      return;
    }
    for (const k of keys) {
      if (typeof k !== 'string' && typeof k !== 'bigint') {
        throw tagged('TypeError', `index in assignment target "${target.src}" must be a string or int, got ${typeName(k)}`);
      }
    }
    const holder = frame.holderOf(target.root);
    const root = holder?.own(target.root);
    if (!holder || root === undefined) throw tagged('KeyError', `variable '${target.root}' is not defined (assigning "${target.src}")`);
    // Measuring the value first also disowns it, so a value that contains the target (m["self"]: ${m}) makes the
    // write below copy rather than build a cycle.
    const valueSize = measureAndRelease(value);
    // Validate the whole path and price the write before touching anything: a failed or over-limit assignment
    // leaves the variable as it was.
    const delta = this.priceWrite(target.src, root, keys, valueSize);
    holder.reserve(target.root, delta);
    const token = holder.slot(target.root);
    const newRoot = isOwned(root, token) ? root as WfValue[] | WfMap : ownedCopy(root, token, target.src);
    let cur: WfValue[] | WfMap = newRoot;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const last = i === keys.length - 1;
      if (Array.isArray(cur)) {
        const idx = Number(key);
        if (last) cur[idx] = value;
        else {
          const child = cur[idx];
          cur = cur[idx] = isOwned(child, newRoot) ? child as WfValue[] | WfMap : ownedCopy(child, newRoot, target.src);
        }
      } else {
        const k = key as string;
        if (last) cur[k] = value;
        else if (hasKey(cur, k)) {
          const child = cur[k];
          cur = cur[k] = isOwned(child, newRoot) ? child as WfValue[] | WfMap : ownedCopy(child, newRoot, target.src);
        } else {
          // Workflows creates missing intermediate maps when assigning a nested key.
          cur = cur[k] = ownedEmptyMap(newRoot);
        }
      }
    }
    holder.rebind(target.root, newRoot);
  }

  /** Checks an indexed write's path as store() will walk it and returns the size change it makes, in bytes. */
  private priceWrite(src: string, root: WfValue, keys: WfValue[], valueSize: number): number {
    let cur: WfValue | undefined = root;
    let delta = 0;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const last = i === keys.length - 1;
      if (cur === undefined) {
        // Inside an intermediate map the write creates: only string keys can follow.
        if (typeof key !== 'string') throw tagged('TypeError', `map key in "${src}" must be a string, got an int`);
        delta += Buffer.byteLength(key, 'utf8') + 4 + (last ? valueSize : 2);
        continue;
      }
      if (Array.isArray(cur)) {
        if (typeof key !== 'bigint') throw tagged('TypeError', `list index in "${src}" must be an int, got a string`);
        if (key < 0n || key >= BigInt(cur.length)) throw tagged('IndexError', `list index ${key} out of range (length ${cur.length}) in "${src}"`);
        const child: WfValue = cur[Number(key)];
        if (last) delta += valueSize - sizeInBytes(child);
        else if (!Array.isArray(child) && !isMap(child)) throw tagged('TypeError', `cannot assign into a ${typeName(child)} in "${src}"`);
        cur = child;
      } else if (isMap(cur)) {
        if (typeof key !== 'string') throw tagged('TypeError', `map key in "${src}" must be a string, got an int`);
        const present = hasKey(cur, key);
        const child: WfValue | undefined = present ? cur[key] : undefined;
        if (last) delta += present ? valueSize - sizeInBytes(child as WfValue) : Buffer.byteLength(key, 'utf8') + 4 + valueSize;
        else if (!present) delta += Buffer.byteLength(key, 'utf8') + 4 + 2;
        else if (!Array.isArray(child) && !isMap(child as WfValue)) throw tagged('TypeError', `cannot assign into a ${typeName(child as WfValue)} in "${src}"`);
        cur = child;
      } else {
        throw tagged('TypeError', `cannot assign into a ${typeName(cur)} in "${src}"`);
      }
    }
    return delta;
  }

  /**
   * `l: ${list.concat(l, x)}` (recognised at load time): appends to the list in place when the variable owns it,
   * so building a list in a loop is linear. Returns false, having done nothing, when `l` is not a list.
   */
  private tryAppend(target: AssignTarget, item: Ast, frame: Frame, scope: EvalScope): boolean {
    const current = frame.lookup(target.root);
    if (!Array.isArray(current)) return false;
    const value = evaluateSync(item, scope);
    const holder = frame.holderOf(target.root);
    if (!holder) return false;
    const list = holder.own(target.root);
    if (!Array.isArray(list)) return false;
    const valueSize = measureAndRelease(value);
    holder.reserve(target.root, valueSize + 1);
    const token = holder.slot(target.root);
    const out = isOwned(list, token) ? list : ownedCopy(list, token, target.src) as WfValue[];
    out.push(value);
    holder.rebind(target.root, out);
    return true;
  }

  private async execCall(step: CallStep, frame: Frame, thread: Thread): Promise<Flow> {
    const scope = this.scopeOf(frame);
    const args = new Map<string, WfValue>();
    for (const [name, t] of step.args ?? []) args.set(name, await evalTemplate(t, scope));
    const result = await this.callNamed(step.fn, args, thread);
    if (step.result) await this.assign({ src: step.result, root: step.result, path: [] }, result, frame);
    return nextFlow(step.next);
  }

  /** A `call:` step: named args. */
  async callNamed(name: string, args: ReadonlyMap<string, WfValue>, thread: Thread): Promise<WfValue> {
    const sub = this.program.subworkflows.get(name);
    if (sub) return this.runRoutine(sub, args, thread.depth);
    const builtin = this.hooks.builtins.get(name);
    if (builtin) return this.callBuiltin(name, builtin, args);
    if (name.startsWith('googleapis.')) return this.hooks.connector(name, args);
    const fn = stdlib.get(name);
    if (fn) {
      const positional: WfValue[] = [];
      for (const a of args.keys()) {
        if (!fn.params.includes(a)) throw tagged('TypeError', `${name}() got an unexpected argument "${a}" (params: ${fn.params.join(', ')})`);
      }
      let count = 0;
      fn.params.forEach((p, i) => { if (args.has(p)) count = i + 1; });
      for (let i = 0; i < count; i++) {
        const v = args.get(fn.params[i]);
        if (v === undefined) throw tagged('TypeError', `${name}() is missing the argument "${fn.params[i]}"`);
        positional.push(v);
      }
      if (count < (fn.minArgs ?? fn.params.length)) {
        throw tagged('TypeError', `${name}() is missing the argument "${fn.params[count]}"`);
      }
      return await fn.call(positional);
    }
    throw tagged('TypeError', `function "${name}" is not defined (not a subworkflow, a standard-library function, or a supported connector)`);
  }

  /** A call inside an expression: positional args. */
  async callPositional(name: string, args: WfValue[], thread: Thread): Promise<WfValue> {
    const sub = this.program.subworkflows.get(name);
    if (sub) {
      if (args.length > sub.params.length) throw tagged('TypeError', `subworkflow "${name}" takes ${sub.params.length} arguments but ${args.length} were given`);
      return this.runRoutine(sub, new Map(args.map((a, i) => [sub.params[i].name, a])), thread.depth);
    }
    if (BLOCKING_FUNCTIONS.has(name)) throw tagged('TypeError', `${name} is a blocking call and cannot be used inside an expression; call it from a call step`);
    const builtin = this.hooks.builtins.get(name);
    const params = builtin?.params ?? (name.startsWith('googleapis.') ? this.hooks.connectorParams(name) : undefined);
    if (params) {
      if (args.length > params.length) throw tagged('TypeError', `${name}() takes at most ${params.length} arguments (${params.join(', ')}) but ${args.length} were given`);
      const named = new Map(args.map((a, i) => [params[i], a]));
      return builtin ? this.callBuiltin(name, builtin, named) : this.hooks.connector(name, named);
    }
    if (name.startsWith('googleapis.')) return this.hooks.connector(name, new Map());
    const fn = stdlib.get(name);
    if (fn) return await fn.call(args);
    throw tagged('TypeError', `function "${name}" is not defined`);
  }

  private async callBuiltin(name: string, builtin: Builtin, args: ReadonlyMap<string, WfValue>): Promise<WfValue> {
    for (const a of args.keys()) {
      if (!builtin.params.includes(a)) throw tagged('TypeError', `${name}() got an unexpected argument "${a}" (params: ${builtin.params.join(', ')})`);
    }
    for (let i = 0; i < builtin.required; i++) {
      if (!args.has(builtin.params[i])) throw tagged('TypeError', `${name}() is missing the required argument "${builtin.params[i]}"`);
    }
    return await builtin.call(args, this.ctx);
  }

  private async execSwitch(step: SwitchStep, frame: Frame, thread: Thread): Promise<Flow> {
    const scope = this.scopeOf(frame);
    for (const c of step.cases) {
      const cond = await evalTemplate(c.condition, scope);
      if (typeof cond !== 'boolean') {
        throw tagged('TypeError', `switch condition in step "${step.name}" must be a bool, got ${typeName(cond)}`);
      }
      if (!cond) continue;
      if (c.body) {
        const f = await this.execBody(c.body, frame, thread);
        if (f) return f;
      }
      if (c.steps) {
        const f = await this.execList(c.steps, frame, thread);
        if (f) return f;
      }
      // A matched condition continues with its own next, else with the step after the switch.
      return nextFlow(c.next);
    }
    return nextFlow(step.next);
  }

  /** The values a for loop iterates: the `in` list, or every number of the inclusive `range`. */
  async loopItems(loop: ForSpec, frame: Frame): Promise<WfValue[]> {
    const scope = this.scopeOf(frame);
    if (loop.in) {
      const v = await evalTemplate(loop.in, scope);
      if (!Array.isArray(v)) throw tagged('TypeError', `for "in" must be a list, got ${typeName(v)}`);
      // The loop iterates this very list while its body may write the variable it came from: the next write must copy.
      disown(v);
      return v;
    }
    const r = await evalTemplate(loop.range as Template, scope);
    if (!Array.isArray(r) || r.length !== 2) throw tagged('TypeError', 'for "range" must be a list of two numbers [start, end]');
    const [a, b] = r;
    const isNum = (x: WfValue): x is bigint | number => typeof x === 'bigint' || typeof x === 'number';
    if (!isNum(a) || !isNum(b)) throw tagged('TypeError', `for "range" bounds must be numbers, got ${typeName(a)} and ${typeName(b)}`);
    const items: WfValue[] = [];
    const cap = this.program.limits.maxStepsPerExecution;
    if (typeof a === 'bigint' && typeof b === 'bigint') {
      if (b - a >= BigInt(cap)) throw tagged('ResourceLimitError', `for range [${a}, ${b}] has more iterations than the ${cap}-step limit allows`);
      for (let i = a; i <= b; i++) items.push(i);
    } else {
      const start = Number(a);
      const end = Number(b);
      if (!Number.isFinite(start) || !Number.isFinite(end)) throw tagged('ValueError', 'for "range" bounds must be finite');
      if (end - start >= cap) throw tagged('ResourceLimitError', `for range [${start}, ${end}] has more iterations than the ${cap}-step limit allows`);
      for (let x = start; x <= end; x += 1) items.push(x);
    }
    return items;
  }

  private async execFor(step: ForStep, frame: Frame, thread: Thread): Promise<Flow> {
    const loop = step.loop;
    const items = await this.loopItems(loop, frame);
    const loopFrame = new Frame('loop', frame, this.meter);
    try {
      for (let i = 0; i < items.length; i++) {
        loopFrame.setOwn(loop.value, items[i]);
        if (loop.index) loopFrame.setOwn(loop.index, BigInt(i));
        const f = await this.execList(loop.steps, loopFrame, thread);
        if (f === null || f === CONTINUE) continue;
        if (f === BREAK) break;
        return f;
      }
    } finally {
      loopFrame.dispose();
    }
    return nextFlow(step.next);
  }

  private async execTry(step: TryStep, frame: Frame, thread: Thread): Promise<Flow> {
    let retries = 0;
    let policy: ResolvedRetry | undefined;
    for (;;) {
      try {
        return (await this.execBody(step.body, frame, thread)) ?? nextFlow(step.next);
      } catch (raw) {
        if (raw instanceof ExecutionCancelled) throw raw;
        const err = toWorkflowError(raw);
        if (step.retry) {
          policy ??= await this.resolveRetry(step.retry, frame, thread);
          if (retries < policy.maxRetries && (await policy.predicate(err.value))) {
            retries++;
            await this.sleep(backoffDelay(policy.backoff, retries));
            continue;
          }
        }
        if (!step.except) throw err;
        if (step.except.as) frame.assign(step.except.as, err.value);
        return (await this.execList(step.except.steps, frame, thread)) ?? nextFlow(step.next);
      }
    }
  }

  private async resolveRetry(spec: RetrySpec, frame: Frame, thread: Thread): Promise<ResolvedRetry> {
    if (spec.kind === 'policy') {
      const pred = PREDICATES[POLICY_PREDICATE[spec.policy]];
      return { maxRetries: DEFAULT_MAX_RETRIES, backoff: DEFAULT_BACKOFF, predicate: (e) => Promise.resolve(pred(e)) };
    }
    const scope = this.scopeOf(frame);
    const opt = async (t: Template | undefined): Promise<WfValue | undefined> => (t ? evalTemplate(t, scope) : undefined);
    const maxRetries = makeMaxRetries(await evalTemplate(spec.maxRetries, scope));
    const backoff = makeBackoff(await opt(spec.initialDelay), await opt(spec.maxDelay), await opt(spec.multiplier));
    const builtinPred = PREDICATES[spec.predicate];
    if (builtinPred) return { maxRetries, backoff, predicate: (e) => Promise.resolve(builtinPred(e)) };
    const sub = this.program.subworkflows.get(spec.predicate);
    if (!sub) throw tagged('TypeError', `retry predicate "${spec.predicate}" is not defined`);
    if (sub.params.length < 1) throw tagged('TypeError', `retry predicate "${spec.predicate}" must take the error as its one param`);
    return {
      maxRetries,
      backoff,
      predicate: async (e) => {
        const r = await this.runRoutine(sub, new Map([[sub.params[0].name, e]]), thread.depth);
        if (typeof r !== 'boolean') throw tagged('TypeError', `retry predicate "${spec.predicate}" must return a bool, got ${typeName(r)}`);
        return r;
      },
    };
  }

  /** Sleeps on the injected clock; a cancellation interrupts the wait. */
  async sleep(seconds: number): Promise<void> {
    if (seconds > MAX_EXECUTION_SECONDS) {
      throw tagged('ValueError', `a wait of ${seconds} seconds is longer than the maximum execution duration of one year`);
    }
    const ms = Math.max(0, seconds * 1000);
    const signal = this.hooks.signal;
    if (!signal) return this.ctx.clock.sleep(ms);
    if (signal.aborted) throw new ExecutionCancelled();
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(new ExecutionCancelled());
      signal.addEventListener('abort', onAbort, { once: true });
      this.ctx.clock.sleep(ms).then(() => { signal.removeEventListener('abort', onAbort); resolve(); }, reject);
    });
  }

  /** Size check of a value leaving the execution (result, or a value handed to a caller). */
  checkResultSize(v: WfValue): void {
    const size = sizeInBytes(v);
    if (size > this.program.limits.maxResultBytes) {
      throw tagged('ResourceLimitError', `the result is ${size} bytes; the limit is ${this.program.limits.maxResultBytes}`);
    }
  }
}
