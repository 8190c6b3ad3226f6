/**
 * Loads workflow source (YAML or JSON) into a WorkflowProgram and refuses, before anything runs, what Cloud
 * Workflows refuses at deploy time: unknown step kinds and fields, bad `next` targets, duplicate step names,
 * over-long expressions, too many assignments or conditions, writes to non-shared parent variables inside a
 * parallel branch, and schema errors. Every issue names the step and its position.
 */
import { YAMLParseError } from 'yaml';
import { DEFAULT_LIMITS, type Limits } from './limits.ts';
import {
  PREDEFINED_POLICIES, type Assignment, type ForSpec, type ParallelBranch, type Param, type RetrySpec, type Step, type StepList, type Subworkflow,
  type SwitchCase, type WorkflowProgram,
} from './model.ts';
import { isSyncExpression, type Ast } from './expr/index.ts';
import { compileExpression, compileTemplate, isSyncTemplate, parseTarget, TemplateError, type AssignTarget, type Template } from './template.ts';
import { isMap, newMap, toJsonText, typeName, type WfMap, type WfValue } from './values.ts';
import { unsupportedCalls } from './support.ts';
import { validateProgram } from './validate.ts';
import { parseWorkflowYaml } from './yaml-source.ts';

export interface ValidationIssue {
  /** Position, e.g. `main.steps[1].for.steps[0]`. */
  readonly where: string;
  /** Step name when the issue is about a step. */
  readonly step?: string;
  readonly reason: string;
}

export class WorkflowValidationError extends Error {
  constructor(readonly sourceName: string, readonly issues: readonly ValidationIssue[]) {
    super(`${sourceName}: workflow is invalid:\n${issues.map((i) => `  - ${i.step ? `step "${i.step}" ` : ''}(${i.where}): ${i.reason}`).join('\n')}`);
    this.name = 'WorkflowValidationError';
  }
}

/** The step kinds, each with the fields it may carry besides `next`. */
const KIND_FIELDS: Readonly<Record<string, readonly string[]>> = {
  assign: ['assign'],
  call: ['call', 'args', 'result'],
  switch: ['switch'],
  for: ['for'],
  parallel: ['parallel'],
  try: ['try', 'retry', 'except'],
  raise: ['raise'],
  return: ['return'],
  steps: ['steps'],
};

export interface LoadOptions {
  limits?: Partial<Limits>;
}

export function loadWorkflow(sourceText: string, sourceName = 'workflow', options: LoadOptions = {}): WorkflowProgram {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const fail = (reason: string): never => { throw new WorkflowValidationError(sourceName, [{ where: '(source)', reason }]); };
  if (Buffer.byteLength(sourceText, 'utf8') > limits.maxSourceBytes) {
    fail(`source is larger than the ${limits.maxSourceBytes}-byte limit`);
  }
  let raw: unknown;
  try {
    raw = parseWorkflowYaml(sourceText);
  } catch (err) {
    const pos = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}` : '';
    fail(`not valid YAML/JSON${pos}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  const tree = toWfValue(raw, 0);
  const ctx = new LoadContext(limits);
  const subworkflows = new Map<string, Subworkflow>();
  if (Array.isArray(tree)) {
    subworkflows.set('main', { name: 'main', params: [], body: ctx.stepList(tree, 'main.steps', 0) });
  } else if (isMap(tree)) {
    if (!('main' in tree)) ctx.issue('(source)', undefined, 'a workflow map must define a "main" subworkflow (or be a list of steps)');
    for (const name of Object.keys(tree)) subworkflows.set(name, ctx.subworkflow(name, tree[name]));
  } else {
    fail('a workflow must be a list of steps or a map with a "main" subworkflow');
  }
  if (ctx.issues.length === 0) {
    const program: WorkflowProgram = { sourceName, main: subworkflows.get('main') as Subworkflow, subworkflows, limits, unsupported: [] };
    validateProgram(program, (where, step, reason) => ctx.issue(where, step, reason));
    if (ctx.issues.length === 0) return { ...program, unsupported: unsupportedCalls(program) };
  }
  throw new WorkflowValidationError(sourceName, ctx.issues);
}

/** The item of `x: ${list.concat(x, item)}`, the list-building idiom the interpreter runs as an in-place append. */
function appendedItem(target: AssignTarget, value: Template): Ast | undefined {
  if (target.path.length !== 0 || value.k !== 'expr') return undefined;
  const ast = value.ast;
  if (ast.kind !== 'call' || ast.name !== 'list.concat' || ast.args.length !== 2) return undefined;
  const first = ast.args[0];
  return first.kind === 'variable' && first.name === target.root ? ast.args[1] : undefined;
}

/** A short rendering of a YAML value for error messages (bigint-safe). */
function describeNode(v: WfValue | undefined): string {
  if (v === undefined) return 'nothing';
  try {
    return toJsonText(v).slice(0, 80);
  } catch {
    return typeName(v);
  }
}

/** YAML → workflow values: ints stay exact (bigint), maps lose their prototype. */
function toWfValue(v: unknown, depth: number): WfValue {
  if (depth > 200) throw new WorkflowValidationError('workflow', [{ where: '(source)', reason: 'document nested more than 200 levels deep' }]);
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map((x) => toWfValue(x, depth + 1));
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    const out = newMap();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = toWfValue(x, depth + 1);
    return out;
  }
  return String(v);
}

class LoadContext {
  readonly issues: ValidationIssue[] = [];

  constructor(readonly limits: Limits) {}

  issue(where: string, step: string | undefined, reason: string): void {
    this.issues.push({ where, step, reason });
  }

  template(node: WfValue, where: string, step: string): Template {
    try {
      return compileTemplate(node, this.limits.maxExpressionLength);
    } catch (err) {
      this.issue(where, step, err instanceof Error ? err.message : String(err));
      return { k: 'const', v: null };
    }
  }

  /** A value that must be an expression or a literal (conditions may also be literal booleans). */
  expression(node: WfValue, where: string, step: string): Template {
    if (typeof node === 'string' && !node.startsWith('${')) {
      try {
        return compileExpression(`\${${node}}`, this.limits.maxExpressionLength);
      } catch (err) {
        this.issue(where, step, err instanceof Error ? err.message : String(err));
        return { k: 'const', v: null };
      }
    }
    return this.template(node, where, step);
  }

  subworkflow(name: string, def: WfValue): Subworkflow {
    const where = name;
    const empty: Subworkflow = { name, params: [], body: { steps: [], index: new Map() } };
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) this.issue(where, undefined, `invalid subworkflow name "${name}"`);
    if (!isMap(def)) {
      this.issue(where, undefined, 'a subworkflow must be a map with "steps" (and optional "params")');
      return empty;
    }
    for (const k of Object.keys(def)) {
      if (k !== 'params' && k !== 'steps') this.issue(where, undefined, `unknown subworkflow field "${k}" (allowed: params, steps)`);
    }
    if (!Array.isArray(def.steps)) {
      this.issue(`${where}.steps`, undefined, '"steps" must be a list of steps');
      return empty;
    }
    return { name, params: this.params(def.params ?? null, `${where}.params`), body: this.stepList(def.steps, `${where}.steps`, 0) };
  }

  params(node: WfValue, where: string): Param[] {
    if (node === null) return [];
    if (!Array.isArray(node)) {
      this.issue(where, undefined, '"params" must be a list of names or {name: default} maps');
      return [];
    }
    const out: Param[] = [];
    const seen = new Set<string>();
    node.forEach((p, i) => {
      let param: Param | undefined;
      if (typeof p === 'string') param = { name: p };
      else if (isMap(p) && Object.keys(p).length === 1) {
        const name = Object.keys(p)[0];
        param = { name, default: this.template(p[name], `${where}[${i}]`, name) };
      }
      if (!param || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(param.name)) {
        this.issue(`${where}[${i}]`, undefined, 'each param must be a variable name or a single-key {name: default} map');
        return;
      }
      if (seen.has(param.name)) this.issue(`${where}[${i}]`, undefined, `duplicate param "${param.name}"`);
      seen.add(param.name);
      out.push(param);
    });
    return out;
  }

  stepList(node: WfValue, where: string, parallelDepth: number): StepList {
    const steps: Step[] = [];
    const index = new Map<string, number>();
    if (!Array.isArray(node)) {
      this.issue(where, undefined, '"steps" must be a list');
      return { steps, index };
    }
    if (node.length === 0) this.issue(where, undefined, '"steps" must not be empty');
    node.forEach((item, i) => {
      const at = `${where}[${i}]`;
      if (!isMap(item) || Object.keys(item).length !== 1) {
        this.issue(at, undefined, 'each step must be a map with exactly one key, the step name');
        return;
      }
      const name = Object.keys(item)[0];
      const step = this.step(name, item[name], at, parallelDepth);
      if (!step) return;
      if (index.has(name)) this.issue(at, name, `duplicate step name "${name}" in the same steps list`);
      index.set(name, steps.length);
      steps.push(step);
    });
    return { steps, index };
  }

  step(name: string, body: WfValue, where: string, parallelDepth: number, allowed?: readonly string[]): Step | undefined {
    if (!isMap(body)) {
      this.issue(where, name, 'a step body must be a map (e.g. {assign: [...]}, {call: ...}, {return: ...})');
      return undefined;
    }
    const keys = Object.keys(body);
    const kinds = keys.filter((k) => k in KIND_FIELDS);
    if (kinds.length > 1) {
      this.issue(where, name, `a step has exactly one kind, found ${kinds.join(' and ')}`);
      return undefined;
    }
    const kind = kinds[0];
    if (kind && allowed && !allowed.includes(kind)) {
      this.issue(where, name, `"${kind}" is not allowed here`);
      return undefined;
    }
    // Every kind may carry `next`, raise and return included: Google's workflow schema (workflows-samples
    // jsonschema/workflows.json, definitions.step) allows it and Cloud Workflows deploys it (the workflows-demos
    // `workflows-bigquery-load` sample has `return:` with `next: end`). `return` "stops a workflow's execution"
    // (syntax reference, Complete the execution of a workflow) and raise leaves the step too, so such a `next` is
    // never taken; its target is still checked like any other.
    const fields = new Set([...(kind ? KIND_FIELDS[kind] : []), 'next']);
    const before = this.issues.length;
    for (const k of keys) {
      if (fields.has(k)) continue;
      const known = Object.values(KIND_FIELDS).some((f) => f.includes(k)) || k === 'next';
      this.issue(where, name, known
        ? `field "${k}" is not allowed in a ${kind ?? 'next-only'} step`
        : `unknown field "${k}"${kind ? '' : ' (not a step kind: expected one of assign, call, switch, for, parallel, try, raise, return, steps, next)'}`);
    }
    let next: string | undefined;
    if ('next' in body) {
      if (typeof body.next !== 'string' || !body.next) this.issue(`${where}.next`, name, '"next" must be a step name, end, break or continue');
      else next = body.next;
    }
    const base = { name, where, next };
    switch (kind) {
      case undefined:
        if (next === undefined) {
          if (this.issues.length === before) this.issue(where, name, 'empty step: it needs a kind (assign, call, switch, ...) or next');
          return undefined;
        }
        return { ...base, kind: 'jump' };
      case 'assign': return { ...base, kind: 'assign', assignments: this.assignments(body.assign, `${where}.assign`, name) };
      case 'call': return this.call(base, body, where);
      case 'switch': return { ...base, kind: 'switch', cases: this.switchCases(body.switch, `${where}.switch`, name, parallelDepth) };
      case 'for': {
        const loop = this.forSpec(body.for, `${where}.for`, name, parallelDepth);
        return loop ? { ...base, kind: 'for', loop } : undefined;
      }
      case 'parallel': return this.parallel(base, body.parallel, `${where}.parallel`, parallelDepth);
      case 'try': return this.tryStep(base, body, where, parallelDepth);
      case 'raise': return { ...base, kind: 'raise', value: this.template(body.raise, `${where}.raise`, name) };
      case 'return': return { ...base, kind: 'return', value: this.template(body.return, `${where}.return`, name) };
      case 'steps': return { ...base, kind: 'steps', steps: this.stepList(body.steps, `${where}.steps`, parallelDepth) };
      default: return undefined;
    }
  }

  assignments(node: WfValue, where: string, step: string): Assignment[] {
    if (!Array.isArray(node) || node.length === 0) {
      this.issue(where, step, '"assign" must be a non-empty list of {target: value} maps');
      return [];
    }
    if (node.length > this.limits.maxAssignmentsPerStep) {
      this.issue(where, step, `${node.length} assignments in one step; the limit is ${this.limits.maxAssignmentsPerStep}`);
    }
    const out: Assignment[] = [];
    node.forEach((a, i) => {
      if (!isMap(a) || Object.keys(a).length !== 1) {
        this.issue(`${where}[${i}]`, step, 'each assignment must be a single-key map {target: value}');
        return;
      }
      const key = Object.keys(a)[0];
      try {
        const target = parseTarget(key, this.limits.maxExpressionLength);
        const value = this.template(a[key], `${where}[${i}]`, step);
        const sync = isSyncTemplate(value) && target.path.every((seg) => typeof seg === 'string' || isSyncExpression(seg));
        out.push({ target, value, sync, append: sync ? appendedItem(target, value) : undefined });
      } catch (err) {
        this.issue(`${where}[${i}]`, step, err instanceof TemplateError ? err.message : String(err));
      }
    });
    return out;
  }

  call(base: { name: string; where: string; next?: string }, body: WfMap, where: string): Step | undefined {
    const fn = body.call;
    if (typeof fn !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(fn)) {
      this.issue(`${where}.call`, base.name, `"call" must name a function or subworkflow, got ${describeNode(fn)}`);
      return undefined;
    }
    let args: (readonly [string, Template])[] | undefined;
    if ('args' in body && body.args !== null) {
      if (!isMap(body.args)) this.issue(`${where}.args`, base.name, '"args" must be a map of argument names to values');
      else args = Object.keys(body.args).map((k) => [k, this.template((body.args as WfMap)[k], `${where}.args.${k}`, base.name)] as const);
    }
    let result: string | undefined;
    if ('result' in body) {
      if (typeof body.result !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(body.result)) {
        this.issue(`${where}.result`, base.name, '"result" must be a variable name');
      } else result = body.result;
    }
    return { ...base, kind: 'call', fn, args, result };
  }

  switchCases(node: WfValue, where: string, step: string, parallelDepth: number): SwitchCase[] {
    if (!Array.isArray(node) || node.length === 0) {
      this.issue(where, step, '"switch" must be a non-empty list of conditions');
      return [];
    }
    if (node.length > this.limits.maxSwitchConditions) {
      this.issue(where, step, `${node.length} conditions in one switch; the limit is ${this.limits.maxSwitchConditions}`);
    }
    const out: SwitchCase[] = [];
    node.forEach((c, i) => {
      const at = `${where}[${i}]`;
      if (!isMap(c) || !('condition' in c)) {
        this.issue(at, step, 'each switch entry must be a map with a "condition"');
        return;
      }
      const rest = newMap();
      for (const k of Object.keys(c)) if (k !== 'condition' && k !== 'next' && k !== 'steps') rest[k] = c[k];
      let body: Step | undefined;
      if (Object.keys(rest).length) {
        body = this.step(step, rest, at, parallelDepth, ['assign', 'call', 'return', 'raise', 'for', 'parallel', 'try']);
      }
      let next: string | undefined;
      if ('next' in c) {
        if (typeof c.next !== 'string' || !c.next) this.issue(`${at}.next`, step, '"next" must be a step name, end, break or continue');
        else next = c.next;
      }
      if (!('next' in c) && !('steps' in c) && !body) this.issue(at, step, 'a switch condition needs next, steps, or an embedded step (assign, call, return, raise, ...)');
      out.push({
        condition: this.expression(c.condition, `${at}.condition`, step),
        next,
        steps: 'steps' in c ? this.stepList(c.steps, `${at}.steps`, parallelDepth) : undefined,
        body,
      });
    });
    return out;
  }

  forSpec(node: WfValue, where: string, step: string, parallelDepth: number): ForSpec | undefined {
    if (!isMap(node)) {
      this.issue(where, step, '"for" must be a map with value, in or range, and steps');
      return undefined;
    }
    for (const k of Object.keys(node)) {
      if (!['value', 'index', 'in', 'range', 'steps'].includes(k)) this.issue(where, step, `unknown field "${k}" in for (allowed: value, index, in, range, steps)`);
    }
    const isVar = (v: WfValue): v is string => typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v);
    if (!isVar(node.value)) this.issue(`${where}.value`, step, '"value" is required and must be a variable name');
    if ('index' in node && !isVar(node.index)) this.issue(`${where}.index`, step, '"index" must be a variable name');
    if (isVar(node.value) && node.index === node.value) this.issue(where, step, '"index" and "value" must differ');
    const hasIn = 'in' in node;
    const hasRange = 'range' in node;
    if (hasIn === hasRange) this.issue(where, step, 'a for loop needs exactly one of "in" or "range"');
    if (hasRange && 'index' in node) this.issue(where, step, '"index" cannot be used with "range"');
    if (hasRange && !(typeof node.range === 'string' || (Array.isArray(node.range) && node.range.length === 2))) {
      this.issue(`${where}.range`, step, '"range" must be a two-element list [start, end] or an expression');
    }
    if (hasIn && !(typeof node.in === 'string' || Array.isArray(node.in))) {
      this.issue(`${where}.in`, step, '"in" must be a list or an expression');
    }
    return {
      value: isVar(node.value) ? node.value : '_',
      index: isVar(node.index) ? node.index : undefined,
      in: hasIn ? this.template(node.in, `${where}.in`, step) : undefined,
      range: hasRange ? this.template(node.range, `${where}.range`, step) : undefined,
      steps: this.stepList(node.steps ?? null, `${where}.steps`, parallelDepth),
    };
  }

  parallel(base: { name: string; where: string; next?: string }, node: WfValue, where: string, parallelDepth: number): Step | undefined {
    const step = base.name;
    if (!isMap(node)) {
      this.issue(where, step, '"parallel" must be a map with branches or for');
      return undefined;
    }
    if (parallelDepth + 1 > this.limits.maxParallelNesting) {
      this.issue(where, step, `ParallelNestingError: parallel steps nest ${parallelDepth + 1} deep; the limit is ${this.limits.maxParallelNesting}`);
    }
    for (const k of Object.keys(node)) {
      if (!['shared', 'concurrency_limit', 'exception_policy', 'branches', 'for'].includes(k)) {
        this.issue(where, step, `unknown field "${k}" in parallel (allowed: shared, concurrency_limit, exception_policy, branches, for)`);
      }
    }
    const shared: string[] = [];
    if ('shared' in node) {
      if (!Array.isArray(node.shared) || node.shared.some((s) => typeof s !== 'string')) this.issue(`${where}.shared`, step, '"shared" must be a list of variable names');
      else shared.push(...(node.shared as string[]));
    }
    let continueAll = false;
    if ('exception_policy' in node) {
      if (node.exception_policy !== 'continueAll') this.issue(`${where}.exception_policy`, step, `unsupported exception_policy ${describeNode(node.exception_policy)}; the only policy is continueAll`);
      continueAll = true;
    }
    let concurrencyLimit: Template | undefined;
    if ('concurrency_limit' in node) {
      const c = node.concurrency_limit;
      if (typeof c === 'bigint' && (c < 1n || c > BigInt(this.limits.maxConcurrentBranches))) {
        this.issue(`${where}.concurrency_limit`, step, `concurrency_limit must be between 1 and ${this.limits.maxConcurrentBranches}`);
      } else if (typeof c !== 'bigint' && typeof c !== 'string') {
        this.issue(`${where}.concurrency_limit`, step, 'concurrency_limit must be an integer');
      }
      concurrencyLimit = this.template(c, `${where}.concurrency_limit`, step);
    }
    const hasBranches = 'branches' in node;
    if (hasBranches === ('for' in node)) {
      this.issue(where, step, 'a parallel step needs exactly one of "branches" or "for"');
      return undefined;
    }
    if (!hasBranches) {
      const loop = this.forSpec(node.for, `${where}.for`, step, parallelDepth + 1);
      return loop ? { ...base, kind: 'parallel', shared, concurrencyLimit, continueAll, loop } : undefined;
    }
    const branchesNode = node.branches;
    if (!Array.isArray(branchesNode) || branchesNode.length === 0) {
      this.issue(`${where}.branches`, step, '"branches" must be a non-empty list');
      return undefined;
    }
    if (branchesNode.length > this.limits.maxParallelBranches) {
      this.issue(`${where}.branches`, step, `${branchesNode.length} branches; the limit is ${this.limits.maxParallelBranches}`);
    }
    const branches: ParallelBranch[] = [];
    const names = new Set<string>();
    branchesNode.forEach((b, i) => {
      const at = `${where}.branches[${i}]`;
      const name = isMap(b) && Object.keys(b).length === 1 ? Object.keys(b)[0] : undefined;
      const def = name !== undefined ? (b as WfMap)[name] : null;
      if (name === undefined || !isMap(def) || Object.keys(def).some((k) => k !== 'steps')) {
        this.issue(at, step, 'each branch must be {branchName: {steps: [...]}}');
        return;
      }
      if (names.has(name)) this.issue(at, step, `duplicate branch name "${name}"`);
      names.add(name);
      branches.push({ name, steps: this.stepList(def.steps ?? null, `${at}.steps`, parallelDepth + 1) });
    });
    return { ...base, kind: 'parallel', shared, concurrencyLimit, continueAll, branches };
  }

  tryStep(base: { name: string; where: string; next?: string }, body: WfMap, where: string, parallelDepth: number): Step | undefined {
    const step = base.name;
    const tryNode = body.try;
    let inner: Step | undefined;
    if (isMap(tryNode)) inner = this.step(step, tryNode, `${where}.try`, parallelDepth, ['assign', 'call', 'switch', 'for', 'parallel', 'raise', 'return', 'steps', 'try']);
    else this.issue(`${where}.try`, step, '"try" must be a map: {steps: [...]} or a step body such as {call: ..., args: ...}');
    if (inner?.next !== undefined) this.issue(`${where}.try`, step, '"next" belongs on the try step, not inside "try"');
    let retry: RetrySpec | undefined;
    if ('retry' in body) retry = this.retry(body.retry, `${where}.retry`, step);
    let except: { as?: string; steps: StepList } | undefined;
    if ('except' in body) {
      const e = body.except;
      if (!isMap(e) || !('steps' in e)) this.issue(`${where}.except`, step, '"except" must be a map with "steps" (and optional "as")');
      else {
        for (const k of Object.keys(e)) if (k !== 'as' && k !== 'steps') this.issue(`${where}.except`, step, `unknown field "${k}" in except (allowed: as, steps)`);
        if ('as' in e && (typeof e.as !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(e.as))) this.issue(`${where}.except.as`, step, '"as" must be a variable name');
        except = { as: typeof e.as === 'string' ? e.as : undefined, steps: this.stepList(e.steps, `${where}.except.steps`, parallelDepth) };
      }
    }
    if (!retry && !except) this.issue(where, step, 'a try step needs "retry", "except" or both');
    return inner ? { ...base, kind: 'try', body: inner, retry, except } : undefined;
  }

  retry(node: WfValue, where: string, step: string): RetrySpec | undefined {
    const refName = (v: WfValue): string | undefined => {
      if (typeof v !== 'string') return undefined;
      const m = /^\$\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}$/.exec(v);
      return m?.[1];
    };
    if (typeof node === 'string') {
      const policy = refName(node);
      if (!policy || !PREDEFINED_POLICIES.has(policy)) {
        this.issue(where, step, `unknown retry policy ${node}; expected one of ${[...PREDEFINED_POLICIES].map((p) => `\${${p}}`).join(', ')} or a map with predicate, max_retries and backoff`);
        return undefined;
      }
      return { kind: 'policy', policy };
    }
    if (!isMap(node)) {
      this.issue(where, step, '"retry" must be a predefined policy or a map with predicate, max_retries and backoff');
      return undefined;
    }
    for (const k of Object.keys(node)) {
      if (!['predicate', 'max_retries', 'backoff'].includes(k)) this.issue(where, step, `unknown field "${k}" in retry (allowed: predicate, max_retries, backoff)`);
    }
    const predicate = refName(node.predicate ?? null);
    if (!predicate) {
      this.issue(`${where}.predicate`, step, '"predicate" is required: ${http.default_retry_predicate}, ${http.default_retry_predicate_non_idempotent}, ${retry.always}, ${retry.never} or ${a_subworkflow}');
      return undefined;
    }
    if (!('max_retries' in node)) this.issue(`${where}.max_retries`, step, '"max_retries" is required');
    const backoff = node.backoff ?? null;
    if (backoff !== null && !isMap(backoff)) this.issue(`${where}.backoff`, step, '"backoff" must be a map with initial_delay, max_delay and multiplier');
    const b = isMap(backoff) ? backoff : newMap();
    for (const k of Object.keys(b)) {
      if (!['initial_delay', 'max_delay', 'multiplier'].includes(k)) this.issue(`${where}.backoff`, step, `unknown field "${k}" in backoff (allowed: initial_delay, max_delay, multiplier)`);
    }
    const opt = (k: string): Template | undefined => (k in b ? this.template(b[k], `${where}.backoff.${k}`, step) : undefined);
    return {
      kind: 'custom',
      predicate,
      maxRetries: this.template(node.max_retries ?? null, `${where}.max_retries`, step),
      initialDelay: opt('initial_delay'),
      maxDelay: opt('max_delay'),
      multiplier: opt('multiplier'),
    };
  }
}
