/**
 * Argument templates filled from the incident: `{{ incident.policy_user_labels.app }}`, with an
 * optional filter (`{{ incident.started_at | iso }}`). A string that is exactly one expression
 * keeps the value's type (a number stays a number); otherwise values are interpolated as text.
 * Templates are checked when the rules file loads, so a typo fails there, not mid-incident.
 */

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(readonly where: string, message: string) {
    super(`${where}: ${message}`);
  }
}

const EXPRESSION = /\{\{\s*([^{}]*?)\s*\}\}/g;
const WHOLE = /^\{\{\s*([^{}]*?)\s*\}\}$/;
const PATH = /^(incident|rule)(\.[A-Za-z0-9_-]+)+$/;

const FILTERS: Record<string, (value: unknown, where: string) => unknown> = {
  /** Cloud Monitoring sends epoch seconds; workflows want RFC 3339 (what `time.parse` reads). */
  iso: (value, where) => {
    const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isFinite(seconds)) throw new TemplateError(where, `the iso filter needs epoch seconds, got ${JSON.stringify(value)}`);
    return new Date(seconds * 1000).toISOString();
  },
  lower: (value) => String(value).toLowerCase(),
  upper: (value) => String(value).toUpperCase(),
};

export interface TemplateContext {
  incident: unknown;
  rule: { name: string; workflow: string; mode: string };
}

interface Expression { path: string[]; filter?: string; source: string }

function parseExpression(source: string, where: string): Expression {
  const [pathText, filter, ...rest] = source.split('|').map((s) => s.trim());
  if (rest.length > 0) throw new TemplateError(where, `"{{ ${source} }}" has more than one filter`);
  if (!pathText || !PATH.test(pathText)) {
    throw new TemplateError(where, `"{{ ${source} }}" must name a field of incident or rule, e.g. {{ incident.policy_user_labels.app }}`);
  }
  if (filter !== undefined && !(filter in FILTERS)) {
    throw new TemplateError(where, `unknown filter "${filter}" in "{{ ${source} }}" (known: ${Object.keys(FILTERS).join(', ')})`);
  }
  return { path: pathText.split('.'), filter, source };
}

/** Throws TemplateError for any malformed expression anywhere in `value` (strings, arrays, maps). */
export function checkTemplate(value: unknown, where: string): void {
  walk(value, where, (text, at) => {
    for (const m of text.matchAll(EXPRESSION)) parseExpression(m[1]!, at);
    const stray = text.replace(EXPRESSION, '');
    if (stray.includes('{{') || stray.includes('}}')) throw new TemplateError(at, `unbalanced "{{" / "}}" in ${JSON.stringify(text)}`);
    return text;
  });
}

function lookup(context: TemplateContext, expr: Expression, where: string): unknown {
  let current: unknown = context;
  for (const segment of expr.path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) {
      current = undefined;
      break;
    }
    current = (current as Record<string, unknown>)[segment];
  }
  if (current === undefined || current === null || current === '') {
    throw new TemplateError(where, `{{ ${expr.source} }} has no value in this incident`);
  }
  return expr.filter ? FILTERS[expr.filter]!(current, where) : current;
}

/** Renders every string in `value`; throws TemplateError naming the argument and the missing field. */
export function renderTemplate(value: unknown, context: TemplateContext, where: string): unknown {
  return walk(value, where, (text, at) => {
    const whole = WHOLE.exec(text);
    if (whole) return lookup(context, parseExpression(whole[1]!, at), at);
    return text.replace(EXPRESSION, (_m, source: string) => {
      const v = lookup(context, parseExpression(source, at), at);
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  });
}

/** Renders a template that must produce a non-empty string (target keys). */
export function renderString(template: string, context: TemplateContext, where: string): string {
  const value = renderTemplate(template, context, where);
  if (typeof value !== 'string' || value.length === 0) throw new TemplateError(where, `must render to a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

function walk(value: unknown, where: string, onString: (text: string, where: string) => unknown): unknown {
  if (typeof value === 'string') return onString(value, where);
  if (Array.isArray(value)) return value.map((v, i) => walk(v, `${where}[${i}]`, onString));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, `${where}.${k}`, onString)]));
  }
  return value;
}
