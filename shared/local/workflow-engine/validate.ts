/**
 * Whole-program checks that need more than one step in view: `next` targets, break/continue placement,
 * step-name uniqueness within a subworkflow, subworkflow references, and the parallel-branch write rule
 * (a branch may only assign parent variables listed in `shared`).
 */
import type { Ast } from './expr/index.ts';
import { PREDEFINED_PREDICATES, type ForSpec, type Step, type StepList, type Subworkflow, type WorkflowProgram } from './model.ts';
import type { Template } from './template.ts';

type Report = (where: string, step: string | undefined, reason: string) => void;

interface JumpScope {
  /** Step lists a `next` may target, innermost first; a for body or a branch starts a new scope. */
  lists: StepList[];
  inLoop: boolean;
}

export function validateProgram(program: WorkflowProgram, report: Report): void {
  for (const sub of program.subworkflows.values()) {
    const names = new Map<string, string>();
    walkSteps(sub.body, (step) => {
      if (isEmbedded.has(step)) return;
      const prev = names.get(step.name);
      if (prev !== undefined && prev !== step.where) {
        report(step.where, step.name, `duplicate step name "${step.name}" in subworkflow "${sub.name}" (also at ${prev})`);
      }
      names.set(step.name, step.where);
    });
    checkJumps(sub.body, { lists: [], inLoop: false }, report);
    checkCalls(program, sub, report);
    checkParallelWrites(sub, report);
    checkBlockingInExpressions(sub, report);
  }
}

/**
 * "Blocking calls such as HTTP calls, sys.sleep and sys.log" cannot be used inside an expression; they must be
 * run from a call step (Expressions reference).
 */
export const BLOCKING_FUNCTIONS: ReadonlySet<string> = new Set([
  'http.get', 'http.post', 'http.put', 'http.patch', 'http.delete', 'http.request',
  'sys.sleep', 'sys.sleep_until', 'sys.log', 'events.await_callback',
]);

function checkBlockingInExpressions(sub: Subworkflow, report: Report): void {
  walkSteps(sub.body, (step) => {
    for (const t of templatesOf(step)) {
      for (const name of calledNames(t)) {
        if (BLOCKING_FUNCTIONS.has(name)) report(step.where, step.name, `${name} is a blocking call and cannot be used inside an expression; call it from a call step`);
      }
    }
  });
}

export function templatesOf(step: Step): Template[] {
  switch (step.kind) {
    case 'assign': return step.assignments.flatMap((a) => [a.value, ...a.target.path.filter((p): p is Ast => typeof p !== 'string').map(astTemplate)]);
    case 'call': return (step.args ?? []).map(([, t]) => t);
    case 'switch': return step.cases.map((c) => c.condition);
    case 'for': return [step.loop.in, step.loop.range].filter((t): t is Template => t !== undefined);
    case 'parallel': return [step.concurrencyLimit, step.loop?.in, step.loop?.range].filter((t): t is Template => t !== undefined);
    case 'try': return step.retry?.kind === 'custom' ? [step.retry.maxRetries, step.retry.initialDelay, step.retry.maxDelay, step.retry.multiplier].filter((t): t is Template => t !== undefined) : [];
    case 'raise': case 'return': return [step.value];
    default: return [];
  }
}

function astTemplate(ast: Ast): Template {
  return { k: 'expr', ast, sync: false, src: '' };
}

export function calledNames(t: Template, out: string[] = []): string[] {
  switch (t.k) {
    case 'const': break;
    case 'expr': astCalls(t.ast, out); break;
    case 'list': for (const i of t.items) calledNames(i, out); break;
    case 'map':
      for (const e of t.entries) {
        if (typeof e.key !== 'string') astCalls(e.key, out);
        calledNames(e.value, out);
      }
      break;
  }
  return out;
}

function astCalls(ast: Ast, out: string[]): void {
  switch (ast.kind) {
    case 'call': out.push(ast.name); for (const a of ast.args) astCalls(a, out); break;
    case 'member': astCalls(ast.object, out); break;
    case 'index': astCalls(ast.object, out); astCalls(ast.index, out); break;
    case 'unary': astCalls(ast.operand, out); break;
    case 'binary': astCalls(ast.left, out); astCalls(ast.right, out); break;
    case 'list': for (const i of ast.items) astCalls(i, out); break;
    case 'map': for (const e of ast.entries) { astCalls(e.key, out); astCalls(e.value, out); } break;
    default: break;
  }
}

/** Visits every step, including embedded bodies (which share their parent's name and position). */
export function walkSteps(list: StepList, visit: (step: Step) => void): void {
  for (const step of list.steps) walkStep(step, visit);
}

function walkStep(step: Step, visit: (step: Step) => void): void {
  visit(step);
  for (const child of childLists(step)) walkSteps(child, visit);
  for (const inner of embedded(step)) walkStep(inner, visit);
}

/** Bodies embedded in a try or a switch condition: they carry their parent's name, not a step of their own. */
const isEmbedded = new WeakSet<Step>();

function embedded(step: Step): Step[] {
  const out = step.kind === 'try' ? [step.body] : step.kind === 'switch' ? step.cases.flatMap((c) => (c.body ? [c.body] : [])) : [];
  for (const s of out) isEmbedded.add(s);
  return out;
}

function childLists(step: Step): StepList[] {
  switch (step.kind) {
    case 'steps': return [step.steps];
    case 'for': return [step.loop.steps];
    case 'switch': return step.cases.flatMap((c) => (c.steps ? [c.steps] : []));
    case 'try': return step.except ? [step.except.steps] : [];
    case 'parallel': return step.branches ? step.branches.map((b) => b.steps) : step.loop ? [step.loop.steps] : [];
    default: return [];
  }
}

function checkJumps(list: StepList, outer: JumpScope, report: Report): void {
  const scope: JumpScope = { lists: [list, ...outer.lists], inLoop: outer.inLoop };
  for (const step of list.steps) checkStepJumps(step, scope, report);
}

function checkTarget(target: string | undefined, step: Step, scope: JumpScope, report: Report): void {
  if (target === undefined || target === 'end') return;
  if (target === 'break' || target === 'continue') {
    if (!scope.inLoop) report(step.where, step.name, `"next: ${target}" is only allowed inside a for loop`);
    return;
  }
  if (!scope.lists.some((l) => l.index.has(target))) {
    report(step.where, step.name, `"next" target "${target}" does not exist in this or an enclosing steps block`);
  }
}

function checkStepJumps(step: Step, scope: JumpScope, report: Report): void {
  checkTarget(step.next, step, scope, report);
  switch (step.kind) {
    case 'steps': checkJumps(step.steps, scope, report); break;
    case 'for': checkLoop(step.loop, report); break;
    case 'switch':
      for (const c of step.cases) {
        checkTarget(c.next, step, scope, report);
        if (c.steps) checkJumps(c.steps, scope, report);
        if (c.body) checkStepJumps(c.body, scope, report);
      }
      break;
    case 'try':
      checkStepJumps(step.body, scope, report);
      if (step.except) checkJumps(step.except.steps, scope, report);
      break;
    case 'parallel':
      if (step.loop) checkLoop(step.loop, report);
      for (const b of step.branches ?? []) checkJumps(b.steps, { lists: [], inLoop: false }, report);
      break;
    default: break;
  }
}

function checkLoop(loop: ForSpec, report: Report): void {
  checkJumps(loop.steps, { lists: [], inLoop: true }, report);
}

function checkCalls(program: WorkflowProgram, sub: Subworkflow, report: Report): void {
  walkSteps(sub.body, (step) => {
    if (step.kind === 'call' && !step.fn.includes('.') && !program.subworkflows.has(step.fn) && !BARE_FUNCTIONS.has(step.fn)) {
      report(step.where, step.name, `call target "${step.fn}" is neither a subworkflow nor a standard-library function`);
    }
    if (step.kind === 'call' && program.subworkflows.has(step.fn)) {
      const target = program.subworkflows.get(step.fn) as Subworkflow;
      const known = new Set(target.params.map((p) => p.name));
      for (const [arg] of step.args ?? []) {
        if (!known.has(arg)) report(step.where, step.name, `subworkflow "${step.fn}" has no param "${arg}"`);
      }
      for (const p of target.params) {
        if (p.default === undefined && !(step.args ?? []).some(([a]) => a === p.name)) {
          report(step.where, step.name, `missing required argument "${p.name}" for subworkflow "${step.fn}"`);
        }
      }
    }
    if (step.kind === 'try' && step.retry?.kind === 'custom') {
      const p = step.retry.predicate;
      if (!PREDEFINED_PREDICATES.has(p) && !program.subworkflows.has(p)) {
        report(step.where, step.name, `retry predicate "${p}" is neither a predefined predicate nor a subworkflow`);
      }
    }
  });
}

/** Top-level standard-library functions callable without a module prefix. */
const BARE_FUNCTIONS = new Set(['default', 'keys', 'len', 'type', 'int', 'double', 'string', 'bool']);

/** Variables a step list assigns (assign roots, call results, except `as`), not descending into parallel steps. */
function assignedNames(list: StepList, out: Set<string>, skip?: Step): void {
  walkShallow(list, (step) => {
    if (step === skip) return false;
    if (step.kind === 'assign') for (const a of step.assignments) out.add(a.target.root);
    if (step.kind === 'call' && step.result) out.add(step.result);
    if (step.kind === 'try' && step.except?.as) out.add(step.except.as);
    return step.kind !== 'for' && step.kind !== 'parallel';
  });
}

/** Walks steps; `visit` returns false to stop descending into a step's children. */
function walkShallow(list: StepList, visit: (step: Step) => boolean): void {
  for (const step of list.steps) walkShallowStep(step, visit);
}

function walkShallowStep(step: Step, visit: (step: Step) => boolean): void {
  if (!visit(step)) return;
  for (const child of childLists(step)) walkShallow(child, visit);
  for (const inner of embedded(step)) walkShallowStep(inner, visit);
}

function checkParallelWrites(sub: Subworkflow, report: Report): void {
  const visible = new Set(sub.params.map((p) => p.name));
  checkParallelIn(sub.body, visible, report);
}

/** `visible`: variables of the enclosing scopes; checks every parallel step found in `list`. */
function checkParallelIn(list: StepList, inherited: Set<string>, report: Report): void {
  const visit = (step: Step, visible: Set<string>): void => {
    if (step.kind === 'parallel') {
      checkOneParallel(step, visible, report);
      return;
    }
    if (step.kind === 'for') {
      const inner = new Set(visible);
      assignedNames(step.loop.steps, inner);
      inner.add(step.loop.value);
      if (step.loop.index) inner.add(step.loop.index);
      checkParallelIn(step.loop.steps, inner, report);
      return;
    }
    for (const child of childLists(step)) checkParallelIn(child, visible, report);
    for (const e of embedded(step)) visit(e, visible);
  };
  const visible = new Set(inherited);
  assignedNames(list, visible);
  for (const step of list.steps) visit(step, visible);
}

function checkOneParallel(step: Extract<Step, { kind: 'parallel' }>, parentVars: Set<string>, report: Report): void {
  const shared = new Set(step.shared);
  for (const name of shared) {
    if (!parentVars.has(name)) report(step.where, step.name, `shared variable "${name}" must be assigned before the parallel step`);
  }
  const bodies = step.branches ? step.branches.map((b) => ({ label: `branch "${b.name}"`, steps: b.steps, locals: new Set<string>() })) : [];
  if (step.loop) {
    bodies.push({ label: 'the parallel for', steps: step.loop.steps, locals: new Set([step.loop.value, ...(step.loop.index ? [step.loop.index] : [])]) });
  }
  for (const body of bodies) {
    walkShallow(body.steps, (inner) => {
      const writes: string[] = [];
      if (inner.kind === 'assign') writes.push(...inner.assignments.map((a) => a.target.root));
      if (inner.kind === 'call' && inner.result) writes.push(inner.result);
      if (inner.kind === 'try' && inner.except?.as) writes.push(inner.except.as);
      for (const w of writes) {
        if (parentVars.has(w) && !shared.has(w) && !body.locals.has(w)) {
          report(inner.where, inner.name, `${body.label} assigns "${w}", a variable of the parent scope not listed in "shared" of parallel step "${step.name}"`);
        }
      }
      if (inner.kind === 'parallel') {
        const nested = new Set(parentVars);
        assignedNames(body.steps, nested, inner);
        checkOneParallel(inner, nested, report);
        return false;
      }
      return true;
    });
  }
}
