/**
 * The subset of the Cloud Monitoring filter language that `timeSeries.list` needs here:
 * equality on `metric.type`, `resource.type`, `metric.labels.K` / `metric.label.K`,
 * `resource.labels.K` / `resource.label.K` and `project`, joined with AND
 * (https://cloud.google.com/monitoring/api/v3/filters). Anything else is refused with the
 * position of the offending text rather than being silently ignored.
 */
import { invalid } from '../../errors.ts';

export interface SeriesFilter {
  metricType?: string;
  resourceType?: string;
  project?: string;
  metricLabels: Record<string, string>;
  resourceLabels: Record<string, string>;
}

const TERM = /^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*/;

export function parseSeriesFilter(filter: string): SeriesFilter {
  const out: SeriesFilter = { metricLabels: {}, resourceLabels: {} };
  let rest = filter;
  let position = 0;
  for (let terms = 0; rest.trim().length > 0; terms++) {
    if (terms > 0) {
      const and = /^\s*AND\s+/i.exec(rest);
      if (!and) throw invalid(`Invalid filter "${filter}": expected AND at position ${position} (gcp-sim supports only equality terms joined with AND).`);
      rest = rest.slice(and[0].length);
      position += and[0].length;
    }
    const m = TERM.exec(rest);
    if (!m) throw invalid(`Invalid filter "${filter}": expected <selector> = "<value>" at position ${position}.`);
    apply(out, m[1]!, m[2]!.replace(/\\(.)/g, '$1'), filter);
    rest = rest.slice(m[0].length);
    position += m[0].length;
  }
  if (!out.metricType) throw invalid(`Invalid filter "${filter}": a filter must specify a metric type (metric.type = "...").`);
  return out;
}

function apply(out: SeriesFilter, selector: string, value: string, filter: string): void {
  if (selector === 'metric.type') { out.metricType = value; return; }
  if (selector === 'resource.type') { out.resourceType = value; return; }
  if (selector === 'project') { out.project = value; return; }
  const label = /^(metric|resource)\.labels?\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(selector);
  if (label) {
    (label[1] === 'metric' ? out.metricLabels : out.resourceLabels)[label[2]!] = value;
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
  if (filter.resourceType !== undefined && filter.resourceType !== series.resourceType) return false;
  if (filter.project !== undefined && filter.project !== project) return false;
  for (const [k, v] of Object.entries(filter.metricLabels)) if (series.metricLabels[k] !== v) return false;
  for (const [k, v] of Object.entries(filter.resourceLabels)) if (series.resourceLabels[k] !== v) return false;
  return true;
}
