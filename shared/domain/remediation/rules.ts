/**
 * The remediation rules file (YAML), validated with zod when it loads. A bad file fails with its
 * source and every problem as `path: reason`, so a deploy with broken rules is refused loudly
 * instead of silently matching nothing. See default-rules.yaml for a commented example.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatIssues } from '../../events/issues.ts';
import { allowSchema } from './allow-list.ts';
import { WEEKDAYS } from './maintenance.ts';
import { checkTemplate, TemplateError } from './template.ts';

export class RulesFileError extends Error {
  override readonly name = 'RulesFileError';
  constructor(readonly source: string, readonly issues: ReadonlyArray<{ path: string; message: string }>) {
    super(`invalid rules file ${source}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
}

const matcherSchema = z.union([
  z.string(),
  z.strictObject({ equals: z.string() }),
  z.strictObject({ in: z.array(z.string()).min(1) }),
  z.strictObject({
    regex: z.string().min(1).refine((r) => { try { new RegExp(r); return true; } catch { return false; } }, 'is not a valid regular expression'),
  }),
  z.strictObject({ exists: z.boolean() }),
], { error: 'must be a string, or one of {equals}, {in: [...]}, {regex}, {exists: true|false}' });

const labelMatch = z.record(z.string().min(1), matcherSchema);

const matchSchema = z.strictObject({
  policy_name: matcherSchema.optional(),
  policy_user_labels: labelMatch.optional(),
  condition_name: matcherSchema.optional(),
  resource_type: matcherSchema.optional(),
  resource_labels: labelMatch.optional(),
  metric_type: matcherSchema.optional(),
  severity: matcherSchema.optional(),
}).refine((m) => Object.values(m).some((v) => v !== undefined), 'must test at least one field (a rule that matches everything is a mistake)');

const circuitBreakerSchema = z.strictObject({
  failures: z.number().int().min(1).max(100),
  windowMinutes: z.number().int().min(1).max(7 * 24 * 60),
});

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h, UTC)');

const maintenanceWindowSchema = z.strictObject({
  name: z.string().min(1),
  reason: z.string().optional(),
  targets: z.array(z.string().min(1)).min(1),
  start: z.iso.datetime({ offset: true }).optional(),
  end: z.iso.datetime({ offset: true }).optional(),
  weekly: z.strictObject({ days: z.array(z.enum(WEEKDAYS)).min(1), start: hhmm, end: hhmm }).optional(),
}).superRefine((w, ctx) => {
  const oneOff = w.start !== undefined || w.end !== undefined;
  if (oneOff === (w.weekly !== undefined)) {
    ctx.addIssue({ code: 'custom', message: 'needs either start and end (one-off) or weekly (recurring), not both' });
    return;
  }
  if (oneOff) {
    if (w.start === undefined || w.end === undefined) ctx.addIssue({ code: 'custom', message: 'a one-off window needs both start and end' });
    else if (Date.parse(w.end) <= Date.parse(w.start)) ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
  } else if (w.weekly!.start === w.weekly!.end) {
    ctx.addIssue({ code: 'custom', path: ['weekly', 'end'], message: 'must differ from start' });
  }
});

export const MODES = ['auto', 'approval', 'dry-run'] as const;

const ruleSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes'),
  description: z.string().optional(),
  match: matchSchema,
  /** A Cloud Workflows workflow id, deployed from workflows/<id>.yaml. */
  workflow: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/, 'must be a workflow id (letters, digits, - and _, starting with a letter)'),
  mode: z.enum(MODES),
  /** What the cooldown, lock, rate and breaker are about, e.g. `app:{{ incident.policy_user_labels.app }}`. */
  target: z.string().min(1),
  args: z.record(z.string(), z.unknown()).default({}),
  cooldownMinutes: z.number().min(0).max(7 * 24 * 60).optional(),
  circuitBreaker: circuitBreakerSchema.optional(),
});

const defaultsSchema = z.strictObject({
  cooldownMinutes: z.number().min(0).max(7 * 24 * 60).default(30),
  /** Executions started across all targets in any sliding hour. */
  rateLimitPerHour: z.number().int().min(1).max(10_000).default(10),
  circuitBreaker: circuitBreakerSchema.default({ failures: 3, windowMinutes: 24 * 60 }),
  /**
   * How long the per-target in-flight lock lives without being renewed; the execution follower
   * renews it while the execution is ACTIVE, so this only bounds a lock whose follower died.
   */
  inFlightLeaseMinutes: z.number().int().min(1).max(7 * 24 * 60).default(180),
});

export const rulesFileSchema = z.strictObject({
  version: z.literal(1),
  defaults: defaultsSchema.default(defaultsSchema.parse({})),
  /** The apps and instances remediation may act on; absent = nothing. */
  allow: allowSchema.default({ apps: [], instances: [] }),
  maintenanceWindows: z.array(maintenanceWindowSchema).default([]),
  rules: z.array(ruleSchema).min(1),
}).superRefine((file, ctx) => {
  const seen = new Set<string>();
  file.rules.forEach((rule, i) => {
    if (seen.has(rule.name)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `duplicate rule name "${rule.name}"` });
    seen.add(rule.name);
    for (const [field, value] of [['target', rule.target], ['args', rule.args]] as const) {
      try {
        checkTemplate(value, field);
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        ctx.addIssue({ code: 'custom', path: ['rules', i, ...err.where.split('.')], message: err.message.slice(err.where.length + 2) });
      }
    }
  });
});

export type RulesFile = z.infer<typeof rulesFileSchema>;
export type Rule = RulesFile['rules'][number];
export type Matcher = z.infer<typeof matcherSchema>;
export type MatchSpec = Rule['match'];
export type MaintenanceWindow = RulesFile['maintenanceWindows'][number];
export type RemediationMode = Rule['mode'];
export type RuleDefaults = RulesFile['defaults'];

/** Parses and validates rules text (YAML or JSON); `source` names it in errors. */
export function parseRules(text: string, source: string): RulesFile {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new RulesFileError(source, [{ path: '$', message: `not valid YAML: ${(err as Error).message}` }]);
  }
  const parsed = rulesFileSchema.safeParse(raw);
  if (!parsed.success) throw new RulesFileError(source, formatIssues(parsed.error.issues));
  return parsed.data;
}

/** The effective guardrail settings for a rule (its own, else the file's defaults). */
export function rulePolicy(rule: Rule, defaults: RuleDefaults) {
  return {
    cooldownMs: (rule.cooldownMinutes ?? defaults.cooldownMinutes) * 60_000,
    circuitBreaker: {
      failures: (rule.circuitBreaker ?? defaults.circuitBreaker).failures,
      windowMs: (rule.circuitBreaker ?? defaults.circuitBreaker).windowMinutes * 60_000,
    },
    rateLimitPerHour: defaults.rateLimitPerHour,
    inFlightLeaseMs: defaults.inFlightLeaseMinutes * 60_000,
  };
}

export type RulePolicy = ReturnType<typeof rulePolicy>;
