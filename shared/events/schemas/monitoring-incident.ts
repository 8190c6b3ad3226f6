/**
 * Cloud Monitoring's Pub/Sub notification, schema version 1.2
 * (`{"version":"1.2","incident":{...}}`), plus the `"version":"test"` message the console sends
 * from "Send test notification". Unknown fields are kept: Google adds fields over time.
 */
import { z } from 'zod';

const epochSeconds = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]);
const stringMap = z.record(z.string(), z.string());
/**
 * User labels follow Google's label rules (lower-case letters, digits, `_` and `-`; keys start
 * with a letter; at most 63 characters). They are the only free text a rule can route on and
 * they end up in URLs and resource names, so anything else (`/`, `.`, `%`, spaces) is refused here.
 */
const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;
const userLabels = z.record(
  z.string().regex(LABEL_KEY, 'label keys must start with a lower-case letter and hold only lower-case letters, digits, _ and - (at most 63)'),
  z.string().regex(LABEL_VALUE, 'label values may hold only lower-case letters, digits, _ and - (at most 63)'),
);

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
    user_labels: userLabels.default({}),
  }).optional(),
  policy_name: z.string().optional().describe('alert policy name; rules match on it and the audit names it as the actor'),
  policy_user_labels: userLabels.default({}).describe('alert policy user labels, in Google label syntax (no `/`, `.` or `%`); rules match on them (e.g. the remediation to run)'),
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
