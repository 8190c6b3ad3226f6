/**
 * From an incident and the rules to a remediation plan: the rule, the target key and the
 * workflow with its rendered arguments. Approval rules always pass `requireApproval: true`,
 * whatever their template says, so a template slip cannot skip the human.
 */
import type { Incident } from '../../events/schemas/monitoring-incident.ts';
import { checkAllowed } from './allow-list.ts';
import { findRule, incidentFacts } from './match.ts';
import { rulePolicy, type Rule, type RulePolicy, type RulesFile } from './rules.ts';
import { renderString, renderTemplate, type TemplateContext } from './template.ts';

export interface RemediationPlan {
  rule: string;
  mode: Rule['mode'];
  workflow: string;
  target: string;
  args: Record<string, unknown>;
  policy: RulePolicy;
}

export type PlanResult =
  | { matched: false; reason: string }
  | { matched: true; plan: RemediationPlan };

/**
 * Throws TemplateError (naming the rule, the argument and the missing field) when a value is missing,
 * and TargetNotAllowedError when the plan would act on an app or instance the rules do not list.
 */
export function planRemediation(incident: Incident, rules: RulesFile): PlanResult {
  const facts = incidentFacts(incident);
  const rule = findRule(rules.rules, facts);
  if (!rule) {
    const labels = Object.entries(facts.policy_user_labels).map(([k, v]) => `${k}=${v}`).join(', ') || 'none';
    return { matched: false, reason: `matched nothing: no rule matches policy "${facts.policy_name ?? '?'}" (labels: ${labels})` };
  }
  const context: TemplateContext = { incident, rule: { name: rule.name, workflow: rule.workflow, mode: rule.mode } };
  const target = renderString(rule.target, context, `rule ${rule.name} target`);
  const args = renderTemplate(rule.args, context, `rule ${rule.name} args`) as Record<string, unknown>;
  if (rule.mode === 'approval') args.requireApproval = true;
  checkAllowed(rule.name, target, args, rules.allow);
  return {
    matched: true,
    plan: { rule: rule.name, mode: rule.mode, workflow: rule.workflow, target, args, policy: rulePolicy(rule, rules.defaults) },
  };
}
