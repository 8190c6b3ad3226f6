/**
 * The budget rules file (YAML), validated with zod when it loads: which actions a threshold
 * crossing gets. A bad file fails with its source and every problem as `path: reason`.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatIssues } from '../../events/issues.ts';
import type { ThresholdBasis, ThresholdCrossing } from './notification.ts';

export class BudgetRulesError extends Error {
  override readonly name = 'BudgetRulesError';
  constructor(readonly source: string, readonly issues: ReadonlyArray<{ path: string; message: string }>) {
    super(`invalid budget rules file ${source}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
}

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const ACTIONS = ['notify', 'scale-down'] as const;
export type BudgetActionType = (typeof ACTIONS)[number];

const regex = z.string().min(1).refine((r) => { try { new RegExp(r); return true; } catch { return false; } }, 'is not a valid regular expression');
const fraction = z.number().min(0).max(100);

const ruleSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes'),
  description: z.string().optional(),
  match: z.strictObject({
    basis: z.array(z.enum(['actual', 'forecast'])).min(1).default(['actual', 'forecast']),
    minThreshold: fraction.optional(),
    maxThreshold: fraction.optional(),
    environments: z.array(z.enum(ENVIRONMENTS)).min(1).optional(),
    budgets: z.array(regex).min(1).optional(),
  }).refine((m) => m.minThreshold === undefined || m.maxThreshold === undefined || m.minThreshold <= m.maxThreshold, 'minThreshold must not exceed maxThreshold'),
  actions: z.array(z.enum(ACTIONS)).min(1),
  approval: z.enum(['none', 'required']).default('none'),
});

const appName = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be an Argo CD application name');

export const budgetRulesSchema = z.strictObject({
  version: z.literal(1),
  scaleDown: z.strictObject({
    apps: z.array(z.strictObject({ name: appName, parameter: z.string().min(1).max(253) })).default([]),
    sqlInstances: z.array(z.string().regex(/^[a-z][a-z0-9-]{0,96}$/, 'must be a Cloud SQL instance name')).default([]),
  }).default({ apps: [], sqlInstances: [] }),
  rules: z.array(ruleSchema).min(1),
}).superRefine((file, ctx) => {
  const seen = new Set<string>();
  file.rules.forEach((r, i) => {
    if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `duplicate rule name "${r.name}"` });
    seen.add(r.name);
    if (r.actions.includes('scale-down') && file.scaleDown.apps.length + file.scaleDown.sqlInstances.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['rules', i, 'actions'], message: 'scale-down needs scaleDown.apps or scaleDown.sqlInstances' });
    }
  });
});

export type BudgetRules = z.infer<typeof budgetRulesSchema>;
export type BudgetRule = BudgetRules['rules'][number];

export function parseBudgetRules(text: string, source: string): BudgetRules {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new BudgetRulesError(source, [{ path: '$', message: `is not valid YAML: ${(err as Error).message}` }]);
  }
  const parsed = budgetRulesSchema.safeParse(raw);
  if (!parsed.success) throw new BudgetRulesError(source, formatIssues(parsed.error.issues));
  return parsed.data;
}

export interface PlannedAction {
  type: BudgetActionType;
  approval: 'none' | 'required';
  /** The rules that asked for it. */
  rules: string[];
}

export interface CrossingPlan {
  crossing: ThresholdCrossing;
  actions: PlannedAction[];
}

/** Every matching rule contributes; an action asked for by several rules needs approval if any of them says so. */
export function planCrossing(crossing: ThresholdCrossing, context: { environment: Environment; budgetDisplayName: string }, rules: BudgetRules): CrossingPlan {
  const byType = new Map<BudgetActionType, PlannedAction>();
  for (const rule of rules.rules) {
    if (!matches(rule, crossing.basis, crossing.threshold, context)) continue;
    for (const type of rule.actions) {
      const planned = byType.get(type) ?? { type, approval: 'none' as const, rules: [] };
      planned.rules.push(rule.name);
      if (rule.approval === 'required') planned.approval = 'required';
      byType.set(type, planned);
    }
  }
  return { crossing, actions: ACTIONS.filter((t) => byType.has(t)).map((t) => byType.get(t)!) };
}

function matches(rule: BudgetRule, basis: ThresholdBasis, threshold: number, context: { environment: Environment; budgetDisplayName: string }): boolean {
  const m = rule.match;
  if (!m.basis.includes(basis)) return false;
  // Compared in millionths, the precision thresholds are normalised to.
  if (m.minThreshold !== undefined && Math.round(threshold * 1e6) < Math.round(m.minThreshold * 1e6)) return false;
  if (m.maxThreshold !== undefined && Math.round(threshold * 1e6) > Math.round(m.maxThreshold * 1e6)) return false;
  if (m.environments && !m.environments.includes(context.environment)) return false;
  if (m.budgets && !m.budgets.some((r) => new RegExp(r).test(context.budgetDisplayName))) return false;
  return true;
}
