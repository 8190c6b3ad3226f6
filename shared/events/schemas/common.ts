import { z } from 'zod';

/** Resource-name-safe label rules (GCP labels: lowercase, digits, `_` and `-`, keys start with a letter). */
export const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
export const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

export const labelsSchema = z
  .record(
    z.string().regex(LABEL_KEY, 'label keys must match ^[a-z][a-z0-9_-]{0,62}$'),
    z.string().regex(LABEL_VALUE, 'label values must match ^[a-z0-9_-]{0,63}$'),
  )
  .refine((labels) => Object.keys(labels).length <= 48, 'at most 48 labels (GCP allows 64 and the control plane adds its own)');

/** RFC 3339 timestamp with an explicit offset or Z. */
export const rfc3339 = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an RFC 3339 timestamp');
