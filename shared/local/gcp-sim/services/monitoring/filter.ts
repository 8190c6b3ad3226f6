/**
 * The subset of the Cloud Monitoring filter language (https://cloud.google.com/monitoring/api/v3/filters)
 * that `timeSeries.list` needs here: `metric.type = "…"` (exactly one metric type, as the API
 * requires for listing), and on `resource.type`, `metric.labels.K` / `metric.label.K`,
 * `resource.labels.K` / `resource.label.K` and `project` either equality, `: "…"` (has
 * substring) or the functions `starts_with`, `ends_with`, `has_substring`, `one_of` and
 * `monitoring.regex.full_match`; terms joined with AND. Anything else is refused with the
 * position of the offending text rather than being silently ignored.
 */
import { invalid } from '../../errors.ts';

/** A test on one string value; an absent label never matches. */
export type Matcher = (value: string | undefined) => boolean;

export interface SeriesFilter {
  metricType?: string;
  resourceType?: Matcher;
  project?: Matcher;
  metricLabels: Record<string, Matcher>;
  resourceLabels: Record<string, Matcher>;
}

const STRING = '"((?:[^"\\\\]|\\\\.)*)"';
const SELECTOR = /^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(=|:)\s*/;
const LITERAL = new RegExp(`^${STRING}\\s*`);
const CALL = /^([A-Za-z_][A-Za-z0-9_.]*)\s*\(\s*/;
const ARG = new RegExp(`^${STRING}\\s*(,\\s*|\\)\\s*)`);

const unquote = (s: string) => s.replace(/\\(.)/g, '$1');

const FUNCTIONS: Record<string, (args: string[], filter: string) => Matcher> = {
  starts_with: (a) => (v) => v !== undefined && v.startsWith(a[0]!),
  ends_with: (a) => (v) => v !== undefined && v.endsWith(a[0]!),
  has_substring: (a) => (v) => v !== undefined && v.includes(a[0]!),
  one_of: (a) => (v) => v !== undefined && a.includes(v),
  'monitoring.regex.full_match': (a, filter) => {
    let re: RegExp;
    try { re = new RegExp(`^(?:${a[0]})$`); } catch (err) {
      throw invalid(`Invalid filter "${filter}": monitoring.regex.full_match("${a[0]}") is not a valid regular expression (${(err as Error).message}).`);
    }
    return (v) => v !== undefined && re.test(v);
  },
};
const ONE_ARGUMENT = new Set(['starts_with', 'ends_with', 'has_substring', 'monitoring.regex.full_match']);

export function parseSeriesFilter(filter: string): SeriesFilter {
  const out: SeriesFilter = { metricLabels: {}, resourceLabels: {} };
  let rest = filter;
  let position = 0;
  const consume = (n: number) => { rest = rest.slice(n); position += n; };
  for (let terms = 0; rest.trim().length > 0; terms++) {
    if (terms > 0) {
      const and = /^\s*AND\s+/i.exec(rest);
      if (!and) throw invalid(`Invalid filter "${filter}": expected AND at position ${position} (gcp-sim supports only terms joined with AND).`);
      consume(and[0].length);
    }
    const sel = SELECTOR.exec(rest);
    if (!sel) throw invalid(`Invalid filter "${filter}": expected <selector> = "<value>" at position ${position}.`);
    const [, selector, op] = sel;
    consume(sel[0].length);
    const literal = LITERAL.exec(rest);
    if (literal) {
      const value = unquote(literal[1]!);
      consume(literal[0].length);
      apply(out, selector!, op === ':' ? { matcher: FUNCTIONS.has_substring!([value], filter) } : { exact: value, matcher: (v) => v === value }, filter);
      continue;
    }
    const call = op === '=' ? CALL.exec(rest) : null;
    if (!call) throw invalid(`Invalid filter "${filter}": expected a quoted string${op === '=' ? ' or a function such as starts_with("…")' : ''} at position ${position}.`);
    const name = call[1]!;
    const fn = FUNCTIONS[name];
    if (!fn) throw invalid(`Invalid filter "${filter}": unsupported function "${name}" at position ${position} (gcp-sim supports ${Object.keys(FUNCTIONS).join(', ')}).`);
    consume(call[0].length);
    const args: string[] = [];
    for (;;) {
      const arg = ARG.exec(rest);
      if (!arg) throw invalid(`Invalid filter "${filter}": expected a quoted string argument of ${name} at position ${position}.`);
      args.push(unquote(arg[1]!));
      consume(arg[0].length);
      if (arg[2]!.startsWith(')')) break;
    }
    if (ONE_ARGUMENT.has(name) && args.length !== 1) throw invalid(`Invalid filter "${filter}": ${name} takes exactly one argument (got ${args.length}).`);
    apply(out, selector!, { matcher: fn(args, filter) }, filter);
  }
  if (!out.metricType) throw invalid(`Invalid filter "${filter}": a filter must specify a metric type (metric.type = "...").`);
  return out;
}

function apply(out: SeriesFilter, selector: string, term: { exact?: string; matcher: Matcher }, filter: string): void {
  if (selector === 'metric.type') {
    // timeSeries.list must name exactly one metric type.
    if (term.exact === undefined) throw invalid(`Invalid filter "${filter}": metric.type must be a single metric type (metric.type = "..."); listing time series needs exactly one.`);
    out.metricType = term.exact;
    return;
  }
  const both = (prior: Matcher | undefined): Matcher => (prior ? (v) => prior(v) && term.matcher(v) : term.matcher);
  if (selector === 'resource.type') { out.resourceType = both(out.resourceType); return; }
  if (selector === 'project') { out.project = both(out.project); return; }
  const label = /^(metric|resource)\.labels?\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(selector);
  if (label) {
    const target = label[1] === 'metric' ? out.metricLabels : out.resourceLabels;
    target[label[2]!] = both(target[label[2]!]);
    return;
  }
  throw invalid(`Invalid filter "${filter}": unsupported selector "${selector}" (gcp-sim supports metric.type, resource.type, project, metric.labels.K, resource.labels.K).`);
}

export function matchesFilter(
  filter: SeriesFilter,
  series: { metricType: string; resourceType: string; metricLabels: Record<string, string>; resourceLabels: Record<string, string> },
  project: string,
): boolean {
  if (filter.metricType !== series.metricType) return false;
  if (filter.resourceType && !filter.resourceType(series.resourceType)) return false;
  if (filter.project && !filter.project(project)) return false;
  for (const [k, m] of Object.entries(filter.metricLabels)) if (!m(series.metricLabels[k])) return false;
  for (const [k, m] of Object.entries(filter.resourceLabels)) if (!m(series.resourceLabels[k])) return false;
  return true;
}
