/** Cloud Monitoring time series, in domain terms. */
export interface MetricPoint {
  metricType: string;
  metricLabels?: Record<string, string>;
  resourceType: string;
  resourceLabels: Record<string, string>;
  value: number;
  valueType: 'INT64' | 'DOUBLE';
  /** GAUGE points have one time; CUMULATIVE/DELTA points have a start. */
  endTime: Date;
  startTime?: Date;
  metricKind?: 'GAUGE' | 'DELTA' | 'CUMULATIVE';
}

export interface TimeSeriesQuery {
  metricType: string;
  /** Exact-match filters on metric labels (metric.label.K = "V"). */
  metricLabels?: Record<string, string>;
  /** Exact-match filters on resource labels (resource.label.K = "V"). */
  resourceLabels?: Record<string, string>;
  start: Date;
  end: Date;
}

export interface TimeSeries {
  metricType: string;
  metricLabels: Record<string, string>;
  resourceType: string;
  resourceLabels: Record<string, string>;
  points: Array<{ start?: Date; end: Date; value: number }>;
}

export interface Metrics {
  write(points: MetricPoint[]): Promise<void>;
  list(query: TimeSeriesQuery): Promise<TimeSeries[]>;
}
