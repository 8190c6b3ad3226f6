/**
 * The custom metrics of the backups flow (Terraform's alert policies filter on these names):
 * - backup_age_seconds {instance, kind=backup|export}: GAUGE INT64, written by rpo-check.
 * - restore_drill_rto_seconds {instance}: GAUGE DOUBLE, written after each successful drill.
 * - restore_drill_success {instance}: GAUGE INT64, 1 after a drill that verified, 0 after one that failed.
 * All on the `global` monitored resource (label project_id), as custom metrics written from Cloud Functions are.
 */
export const METRIC_PREFIX = 'custom.googleapis.com/stack_control_plane';
export const BACKUP_AGE_METRIC = `${METRIC_PREFIX}/backup_age_seconds`;
export const DRILL_RTO_METRIC = `${METRIC_PREFIX}/restore_drill_rto_seconds`;
export const DRILL_SUCCESS_METRIC = `${METRIC_PREFIX}/restore_drill_success`;

export function metricResource(projectId: string): { resourceType: string; resourceLabels: Record<string, string> } {
  return { resourceType: 'global', resourceLabels: { project_id: projectId } };
}
