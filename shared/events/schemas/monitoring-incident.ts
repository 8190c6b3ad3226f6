/**
 * Cloud Monitoring's Pub/Sub notification, schema version 1.2
 * (`{"version":"1.2","incident":{...}}`), plus the `"version":"test"` message the console sends
 * from "Send test notification". Unknown fields are kept: Google adds fields over time.
 */
import { z } from 'zod';

const epochSeconds = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]);
const stringMap = z.record(z.string(), z.string());

export const incidentSchema = z.looseObject({
  incident_id: z.string().min(1).max(256).describe('with `state`, the idempotency key'),
  scoping_project_id: z.string().optional(),
  scoping_project_number: z.union([z.string(), z.number()]).optional(),
  url: z.string().optional(),
  started_at: epochSeconds.describe('epoch seconds (number or digit string)'),
  /** null or 0 while the incident is open. */
  ended_at: epochSeconds.nullable().optional().transform((v) => (v ? v : null)).describe('epoch seconds; null or 0 while open'),
  state: z.string().transform((s) => s.toLowerCase()).pipe(z.enum(['open', 'closed'])).describe('open or closed, any case'),
  summary: z.string().optional(),
  apigee_url: z.string().optional(),
  observed_value: z.union([z.string(), z.number()]).optional(),
  resource: z.looseObject({
    type: z.string().describe('monitored resource type; rules match on it'),
    labels: stringMap.default({}).describe('monitored resource labels; rules match on them'),
  }).optional(),
  resource_type_display_name: z.string().optional(),
  resource_id: z.string().optional(),
  resource_display_name: z.string().optional(),
  resource_name: z.string().optional(),
  metric: z.looseObject({ type: z.string().describe('metric type; rules match on it'), displayName: z.string().optional(), labels: stringMap.default({}) }).optional(),
  metadata: z.looseObject({
    system_labels: stringMap.default({}),
    user_labels: stringMap.default({}),
  }).optional(),
  policy_name: z.string().optional().describe('alert policy name; rules match on it and the audit names it as the actor'),
  policy_user_labels: stringMap.default({}).describe('alert policy user labels; rules match on them (e.g. the remediation to run)'),
  documentation: z.looseObject({ content: z.string().optional(), mime_type: z.string().optional(), subject: z.string().optional() }).optional(),
  condition: z.looseObject({ name: z.string().optional().describe('condition resource name; rules match on it'), displayName: z.string().optional() }).optional(),
  condition_name: z.string().optional().describe('condition display name; rules match on it'),
  threshold_value: z.union([z.string(), z.number()]).optional(),
  severity: z.string().optional().describe('policy severity; recorded and matched'),
});

export const monitoringNotificationSchema = z.discriminatedUnion('version', [
  z.looseObject({ version: z.literal('1.2'), incident: incidentSchema }),
  z.looseObject({ version: z.literal('test'), incident: z.looseObject({}).optional() }),
]);

export type Incident = z.infer<typeof incidentSchema>;
export type MonitoringNotification = z.infer<typeof monitoringNotificationSchema>;
