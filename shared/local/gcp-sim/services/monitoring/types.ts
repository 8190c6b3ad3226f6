/** Stored shape of a simulated time series and the enums of monitoring v3. */
import { EnumType } from './enum-encoding.ts';

export const METRIC_KIND = new EnumType('google.api.MetricDescriptor.MetricKind', {
  METRIC_KIND_UNSPECIFIED: 0, GAUGE: 1, DELTA: 2, CUMULATIVE: 3,
});
export type MetricKind = 'METRIC_KIND_UNSPECIFIED' | 'GAUGE' | 'DELTA' | 'CUMULATIVE';

export const VALUE_TYPE = new EnumType('google.api.MetricDescriptor.ValueType', {
  VALUE_TYPE_UNSPECIFIED: 0, BOOL: 1, INT64: 2, DOUBLE: 3, STRING: 4, DISTRIBUTION: 5, MONEY: 6,
});
export type ValueType = 'VALUE_TYPE_UNSPECIFIED' | 'BOOL' | 'INT64' | 'DOUBLE' | 'STRING' | 'DISTRIBUTION' | 'MONEY';

export const LIST_VIEW = new EnumType('google.monitoring.v3.ListTimeSeriesRequest.TimeSeriesView', { FULL: 0, HEADERS: 1 });

/** A point as stored: times in epoch ms; the value kept in its wire form ({int64Value} etc.). */
export interface StoredPoint {
  startMs: number;
  endMs: number;
  value: { int64Value?: string; doubleValue?: number; boolValue?: boolean; stringValue?: string };
}

export interface StoredSeries {
  project: string;
  metricType: string;
  metricLabels: Record<string, string>;
  resourceType: string;
  resourceLabels: Record<string, string>;
  metricKind: MetricKind;
  valueType: ValueType;
  unit?: string;
  /** Oldest first. */
  points: StoredPoint[];
}

/** One identity per (project, metric, resource) with labels in a stable order. */
export function seriesKey(s: Pick<StoredSeries, 'project' | 'metricType' | 'metricLabels' | 'resourceType' | 'resourceLabels'>): string {
  const sorted = (o: Record<string, string>) => Object.keys(o).sort().map((k) => [k, o[k]]);
  return JSON.stringify([s.project, s.metricType, sorted(s.metricLabels), s.resourceType, sorted(s.resourceLabels)]);
}
