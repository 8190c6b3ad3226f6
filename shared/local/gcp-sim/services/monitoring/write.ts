/**
 * Validation of `timeSeries.create` following the reference
 * (https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.timeSeries/create and
 * .../TimeInterval): at most 200 series per request, exactly one point per series, each series
 * at most once per request, the end time no more than 25 h in the past or 5 min in the future,
 * and per metric kind: GAUGE start = end; DELTA/CUMULATIVE start < end; every point later than
 * the series' previous one (DELTA: contiguous, non-overlapping; CUMULATIVE: same start with a
 * later end, or a reset starting after the previous end).
 */
import { invalid, SimError } from '../../errors.ts';
import { METRIC_KIND, VALUE_TYPE, seriesKey, type MetricKind, type StoredPoint, type StoredSeries, type ValueType } from './types.ts';

const MAX_SERIES_PER_REQUEST = 200;
const MAX_PAST_MS = 25 * 3600_000;
const MAX_FUTURE_MS = 5 * 60_000;
/**
 * Google refuses a point whose end time is 5 s or less after the series' youngest point (seen
 * refusing exactly 5.000 s: "Youngest Existing: '2019/06/21-12:29:46.439', New: '…51.439'").
 */
const SAMPLING_PERIOD_MS = 5_000;
/**
 * Metric domains a project may write through the API: user-defined (custom., external.) and the
 * ones agents and exporters write with the caller's credentials (workload., prometheus.).
 * Google's own metrics (compute., run., cloudsql.googleapis.com/…) are written by Google only.
 */
const WRITABLE_METRIC_PREFIXES = ['custom.googleapis.com/', 'external.googleapis.com/', 'workload.googleapis.com/', 'prometheus.googleapis.com/'];

export interface ParsedWrite {
  key: string;
  series: Omit<StoredSeries, 'points'>;
  point: StoredPoint;
}

export function parseTimestamp(raw: unknown, field: string): number {
  if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(raw)) {
    throw invalid(`Invalid value at '${field}' (type.googleapis.com/google.protobuf.Timestamp), ${JSON.stringify(raw)}`);
  }
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw invalid(`Invalid value at '${field}' (type.googleapis.com/google.protobuf.Timestamp), ${JSON.stringify(raw)}`);
  return ms;
}

function labels(raw: unknown, field: string): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid(`Invalid value at '${field}': expected a map of string to string.`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v !== 'string') throw invalid(`Invalid value at '${field}.${k}': label values must be strings.`);
    out[k] = v;
  }
  return out;
}

function value(raw: unknown, field: string, declared: ValueType | undefined): { value: StoredPoint['value']; type: ValueType } {
  if (!raw || typeof raw !== 'object') throw invalid(`Field ${field} is required.`);
  const v = raw as Record<string, unknown>;
  const present = ['int64Value', 'doubleValue', 'boolValue', 'stringValue', 'distributionValue'].filter((k) => v[k] !== undefined);
  if (present.length !== 1) throw invalid(`Field ${field} must set exactly one of int64Value, doubleValue, boolValue, stringValue, distributionValue (got ${present.length}).`);
  const kind = present[0]!;
  let out: { value: StoredPoint['value']; type: ValueType };
  if (kind === 'int64Value') {
    const s = typeof v.int64Value === 'number' && Number.isInteger(v.int64Value) ? String(v.int64Value) : v.int64Value;
    if (typeof s !== 'string' || !/^-?\d+$/.test(s)) throw invalid(`Invalid value at '${field}.int64_value' (TYPE_INT64), ${JSON.stringify(v.int64Value)}`);
    out = { value: { int64Value: String(BigInt(s)) }, type: 'INT64' };
  } else if (kind === 'doubleValue') {
    const d = typeof v.doubleValue === 'string' && /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|NaN|-?Infinity)$/.test(v.doubleValue) ? Number(v.doubleValue) : v.doubleValue;
    if (typeof d !== 'number') throw invalid(`Invalid value at '${field}.double_value' (TYPE_DOUBLE), ${JSON.stringify(v.doubleValue)}`);
    out = { value: { doubleValue: d }, type: 'DOUBLE' };
  } else if (kind === 'boolValue') {
    if (typeof v.boolValue !== 'boolean') throw invalid(`Invalid value at '${field}.bool_value' (TYPE_BOOL), ${JSON.stringify(v.boolValue)}`);
    out = { value: { boolValue: v.boolValue }, type: 'BOOL' };
  } else if (kind === 'stringValue') {
    if (typeof v.stringValue !== 'string') throw invalid(`Invalid value at '${field}.string_value' (TYPE_STRING), ${JSON.stringify(v.stringValue)}`);
    out = { value: { stringValue: v.stringValue }, type: 'STRING' };
  } else {
    throw new SimError(501, `gcp-sim does not implement distribution values (${field}.distributionValue).`, 'UNIMPLEMENTED');
  }
  if (declared && declared !== 'VALUE_TYPE_UNSPECIFIED' && declared !== out.type) {
    throw invalid(`Field ${field} had an invalid value: the value is ${out.type} but the time series declares valueType ${declared}.`);
  }
  return out;
}

/** Parses and validates the whole request before anything is stored, so a bad request writes nothing. */
export function parseCreateRequest(project: string, body: any, nowMs: number, existing: (key: string) => StoredSeries | undefined): ParsedWrite[] {
  const list: unknown = body?.timeSeries;
  if (!Array.isArray(list) || list.length === 0) throw invalid('Field timeSeries is required and must contain at least one TimeSeries.');
  if (list.length > MAX_SERIES_PER_REQUEST) throw invalid(`Field timeSeries had an invalid value: at most ${MAX_SERIES_PER_REQUEST} TimeSeries may be written per request (got ${list.length}).`);
  const seen = new Set<string>();
  const out: ParsedWrite[] = [];
  list.forEach((raw: any, i) => {
    const at = `timeSeries[${i}]`;
    const metricType = raw?.metric?.type;
    if (typeof metricType !== 'string' || metricType === '') throw invalid(`Field ${at}.metric.type is required.`);
    if (!WRITABLE_METRIC_PREFIXES.some((p) => metricType.startsWith(p))) {
      throw new SimError(403, `One or more TimeSeries could not be written: the caller does not have permission to write to metric ${metricType}: ${at}. Only user-defined metric types (${WRITABLE_METRIC_PREFIXES.join(', ')}) can be written; Google writes its own metrics.`, 'PERMISSION_DENIED');
    }
    const resourceType = raw?.resource?.type;
    if (typeof resourceType !== 'string' || resourceType === '') throw invalid(`Field ${at}.resource.type is required.`);
    const points = raw?.points;
    if (!Array.isArray(points) || points.length !== 1) {
      throw invalid(`Field ${at}.points had an invalid value: Only one point can be written per TimeSeries per request (got ${Array.isArray(points) ? points.length : 0}).`);
    }
    const identity = { project, metricType, metricLabels: labels(raw.metric.labels, `${at}.metric.labels`), resourceType, resourceLabels: labels(raw.resource.labels, `${at}.resource.labels`) };
    const key = seriesKey(identity);
    if (seen.has(key)) throw invalid(`Field ${at} had an invalid value: Duplicate TimeSeries encountered. Only one point can be written per TimeSeries per request.`);
    seen.add(key);

    const prior = existing(key);
    const declaredKind = METRIC_KIND.parse(raw.metricKind, `${at}.metric_kind`);
    const kind: MetricKind = declaredKind && declaredKind !== 'METRIC_KIND_UNSPECIFIED' ? declaredKind : prior?.metricKind ?? 'GAUGE';
    if (prior && prior.metricKind !== kind) throw invalid(`Field ${at}.metricKind had an invalid value of "${kind}": must match the existing metric kind "${prior.metricKind}" of ${metricType}.`);
    const declaredType = VALUE_TYPE.parse(raw.valueType, `${at}.value_type`);
    const point = points[0];
    const parsedValue = value(point?.value, `${at}.points[0].value`, declaredType);
    if (prior && prior.valueType !== parsedValue.type) throw invalid(`Field ${at}.points[0].value had an invalid value: the value type ${parsedValue.type} does not match the existing value type ${prior.valueType} of ${metricType}.`);

    const endMs = parseTimestamp(point?.interval?.endTime, `${at}.points[0].interval.end_time`);
    const startMs = point?.interval?.startTime === undefined ? endMs : parseTimestamp(point.interval.startTime, `${at}.points[0].interval.start_time`);
    checkInterval(at, kind, startMs, endMs, nowMs, prior?.points.at(-1));
    checkSamplingPeriod(at, metricType, endMs, prior?.points.at(-1));
    out.push({
      key,
      series: { ...identity, metricKind: kind, valueType: parsedValue.type, unit: typeof raw.unit === 'string' && raw.unit ? raw.unit : prior?.unit },
      point: { startMs, endMs, value: parsedValue.value },
    });
  });
  return out;
}

function checkInterval(at: string, kind: MetricKind, startMs: number, endMs: number, nowMs: number, last: StoredPoint | undefined): void {
  const where = `${at}.points[0].interval`;
  if (endMs < startMs) throw invalid(`Field ${where}.end_time had an invalid value: The end time must not be earlier than the start time.`);
  if (endMs < nowMs - MAX_PAST_MS) throw invalid(`Field ${where}.end_time had an invalid value of "${new Date(endMs).toISOString()}": Data points cannot be written more than 25h in the past.`);
  if (endMs > nowMs + MAX_FUTURE_MS) throw invalid(`Field ${where}.end_time had an invalid value of "${new Date(endMs).toISOString()}": Data points cannot be written more than 5m in the future.`);
  if (kind === 'GAUGE') {
    if (startMs !== endMs) throw invalid(`Field ${where}.start_time had an invalid value: The start time must be equal to the end time for the gauge metric.`);
    if (last && endMs < last.endMs + 1) throw outOfOrder(at);
    return;
  }
  if (startMs >= endMs) throw invalid(`Field ${where}.start_time had an invalid value: The start time must be before the end time for the non-gauge metric.`);
  if (!last) return;
  if (kind === 'DELTA' && startMs < last.endMs + 1) throw outOfOrder(at);
  if (kind === 'CUMULATIVE') {
    const continues = startMs === last.startMs && endMs >= last.endMs + 1;
    const resets = startMs >= last.endMs + 1;
    if (!continues && !resets) throw outOfOrder(at);
  }
}

function checkSamplingPeriod(at: string, metricType: string, endMs: number, last: StoredPoint | undefined): void {
  if (!last || endMs - last.endMs > SAMPLING_PERIOD_MS) return;
  throw invalid(`One or more TimeSeries could not be written: One or more points were written more frequently than the maximum sampling period configured for the metric. {Metric: ${metricType}, Timestamps: {Youngest Existing: '${googleTime(last.endMs)}', New: '${googleTime(endMs)}'}}: ${at}`);
}

/** The timestamp format of Monitoring's write errors: 2019/06/21-12:29:46.439. */
function googleTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '/')}-${iso.slice(11, 23)}`;
}

function outOfOrder(at: string): SimError {
  return invalid(`Field ${at} had an invalid value: Points must be written in order. One or more of the points specified had an older start time than the most recent point.`);
}
