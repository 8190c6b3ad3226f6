/**
 * Writes a report's outputs to the reports bucket under `cost/<period>/<period start>/`, one
 * object per format. Writing the same report again (a redelivered job) overwrites the same
 * names, so a retry leaves one set of outputs, never two.
 */
import { REPORT_FILES, type ReportFormat } from '../../domain/cost/render/index.ts';
import type { CostReport } from '../../domain/cost/report.ts';
import type { ObjectStore } from '../../ports/object-store.ts';

export interface PublishedOutput { format: ReportFormat; bucket: string; object: string; uri: string; bytes: number }

export function reportPrefix(report: CostReport): string {
  return `cost/${report.period.kind}/${report.period.start.slice(0, 10)}`;
}

export async function publishReport(objects: ObjectStore, bucket: string, report: CostReport, formats: readonly ReportFormat[]): Promise<PublishedOutput[]> {
  const out: PublishedOutput[] = [];
  for (const format of formats) {
    const spec = REPORT_FILES[format];
    const object = `${reportPrefix(report)}/${spec.file}`;
    const stored = await objects.putObject(bucket, object, spec.render(report), spec.contentType);
    out.push({ format, bucket, object, uri: `gs://${bucket}/${object}`, bytes: stored.size });
  }
  return out;
}
