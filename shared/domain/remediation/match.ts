/**
 * Which rule an incident triggers. Every field in a rule's `match` must hold (AND); the first
 * rule in file order that matches wins, so put specific rules before general ones.
 *
 * Operators on a string field:
 *   "value"                   shorthand for { equals: "value" }
 *   { equals: "value" }       exact, case-sensitive
 *   { in: ["a", "b"] }        one of these, exact
 *   { regex: "^zenml-" }      JavaScript regular expression, unanchored unless you anchor it
 *   { exists: true|false }    present and non-empty / absent or empty
 */
import type { Incident } from '../../events/schemas/monitoring-incident.ts';
import type { Matcher, MatchSpec, Rule } from './rules.ts';

export interface IncidentFacts {
  policy_name?: string;
  policy_user_labels: Record<string, string>;
  condition_name?: string;
  resource_type?: string;
  resource_labels: Record<string, string>;
  metric_type?: string;
  severity?: string;
}

/** The fields rules can match on, read from a schema 1.2 incident. */
export function incidentFacts(incident: Incident): IncidentFacts {
  return {
    policy_name: incident.policy_name,
    policy_user_labels: incident.policy_user_labels ?? {},
    condition_name: incident.condition_name ?? incident.condition?.displayName,
    resource_type: incident.resource?.type,
    resource_labels: incident.resource?.labels ?? {},
    metric_type: incident.metric?.type,
    severity: incident.severity,
  };
}

export function matches(matcher: Matcher, value: string | undefined): boolean {
  const present = value !== undefined && value !== '';
  if (typeof matcher === 'string') return value === matcher;
  if ('exists' in matcher) return present === matcher.exists;
  if (!present) return false;
  if ('equals' in matcher) return value === matcher.equals;
  if ('in' in matcher) return matcher.in.includes(value);
  return new RegExp(matcher.regex).test(value);
}

/** The first field that does not match, for "why not" explanations; undefined when all match. */
export function firstMismatch(spec: MatchSpec, facts: IncidentFacts): string | undefined {
  const scalar = ['policy_name', 'condition_name', 'resource_type', 'metric_type', 'severity'] as const;
  for (const field of scalar) {
    const m = spec[field];
    if (m !== undefined && !matches(m, facts[field])) return field;
  }
  for (const field of ['policy_user_labels', 'resource_labels'] as const) {
    for (const [key, m] of Object.entries(spec[field] ?? {})) {
      if (!matches(m, facts[field][key])) return `${field}.${key}`;
    }
  }
  return undefined;
}

export function findRule(rules: readonly Rule[], facts: IncidentFacts): Rule | undefined {
  return rules.find((r) => firstMismatch(r.match, facts) === undefined);
}
