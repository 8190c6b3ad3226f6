/**
 * What a loaded workflow calls that this engine cannot run: `googleapis.*` connector methods of services gcp-sim
 * does not simulate (or methods missing from a simulated service's table), standard-library modules the engine
 * does not implement (e.g. `gke.*`), and http.* calls to Google APIs gcp-sim does not simulate. Cloud Workflows deploys such workflows, so loading does not refuse them; the
 * report is made at load time (WorkflowProgram.unsupported, `stackctl workflow validate`) so nobody learns it
 * only when the step runs and raises.
 */
import { createBuiltins } from './builtins/index.ts';
import { CONNECTOR_METHODS } from './connectors/catalog.ts';
import { CONNECTOR_HELPERS } from './connectors/helpers.ts';
import type { Ast } from './expr/index.ts';
import type { Step, WorkflowProgram } from './model.ts';
import { stdlib } from './stdlib/index.ts';
import type { Template } from './template.ts';
import { calledNames, templatesOf, walkSteps } from './validate.ts';
import type { WfValue } from './values.ts';

export interface UnsupportedCall {
  /** The function called, e.g. `googleapis.bigquery.v2.jobs.insert`, `gke.request`, `http.get firestore.googleapis.com`. */
  readonly name: string;
  /** The connector service (`bigquery`) or standard-library module (`gke`) it belongs to. */
  readonly service: string;
  readonly step: string;
  /** Position, e.g. `main.steps[2]`. */
  readonly where: string;
  /** Why, without the name: "the bigquery connector is not simulated (simulated: ...)". */
  readonly reason: string;
}

/** The services whose connectors the engine runs (against gcp-sim locally). */
export const SIMULATED_SERVICES: readonly string[] = [...new Set([...CONNECTOR_METHODS.values()].map((m) => m.service))].sort();

const BUILTIN_NAMES: ReadonlySet<string> = new Set(createBuiltins(() => Promise.resolve()).keys());

function isKnown(name: string, program: WorkflowProgram): boolean {
  return program.subworkflows.has(name) || BUILTIN_NAMES.has(name) || stdlib.has(name) || CONNECTOR_METHODS.has(name) || CONNECTOR_HELPERS.has(name);
}

function classify(name: string): { service: string; reason: string } {
  const parts = name.split('.');
  if (parts[0] === 'googleapis' && parts.length > 1) {
    const service = parts[1];
    return SIMULATED_SERVICES.includes(service)
      ? { service, reason: `not in the engine's table of ${service} connector methods` }
      : { service, reason: `the ${service} connector is not simulated (simulated: ${SIMULATED_SERVICES.join(', ')})` };
  }
  if (parts.length > 1) return { service: parts[0], reason: `the ${parts.slice(0, -1).join('.')} module is not implemented by the engine` };
  return { service: name, reason: 'not a subworkflow or a standard-library function' };
}

/** The host a `url` argument names, when it is a literal or an expression starting with a string literal. */
function literalHost(t: Template): string | undefined {
  let text: WfValue | undefined;
  if (t.k === 'const') text = t.v;
  else if (t.k === 'expr') {
    let ast: Ast = t.ast;
    while (ast.kind === 'binary' && ast.op === '+') ast = ast.left;
    if (ast.kind === 'literal') text = ast.value;
  }
  if (typeof text !== 'string') return undefined;
  return /^https?:\/\/([^/:?#]+)/i.exec(text)?.[1]?.toLowerCase();
}

/**
 * An http.* call to a Google API gcp-sim does not simulate: against gcp-sim it goes there (builtins/http.ts) and
 * finds no such API. `www.googleapis.com` serves several APIs by path, so it is not judged.
 */
function unsimulatedApiCall(step: Step): { name: string; service: string; reason: string } | undefined {
  if (step.kind !== 'call' || !step.fn.startsWith('http.')) return undefined;
  const url = step.args?.find(([k]) => k === 'url')?.[1];
  const host = url ? literalHost(url) : undefined;
  const m = host ? /^([a-z0-9-]+)\.googleapis\.com$/.exec(host) : null;
  if (!m || m[1] === 'www' || SIMULATED_SERVICES.includes(m[1])) return undefined;
  return {
    name: `${step.fn} ${host as string}`,
    service: m[1],
    reason: `against gcp-sim this call goes there, and gcp-sim does not simulate ${host as string} (simulated: ${SIMULATED_SERVICES.join(', ')})`,
  };
}

function calls(step: Step): string[] {
  const names = templatesOf(step).flatMap((t) => calledNames(t));
  if (step.kind === 'call') names.unshift(step.fn);
  return names;
}

export function unsupportedCalls(program: WorkflowProgram): UnsupportedCall[] {
  const out: UnsupportedCall[] = [];
  const seen = new Set<string>();
  for (const sub of program.subworkflows.values()) {
    walkSteps(sub.body, (step) => {
      const api = unsimulatedApiCall(step);
      if (api) out.push({ step: step.name, where: step.where, ...api });
      for (const name of calls(step)) {
        const key = `${step.where} ${name}`;
        if (isKnown(name, program) || seen.has(key)) continue;
        seen.add(key);
        out.push({ name, step: step.name, where: step.where, ...classify(name) });
      }
    });
  }
  return out;
}
