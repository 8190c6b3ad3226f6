import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_URL } from '../../../../shared/domain/remediation/default-rules.ts';
import { parseRules, rulePolicy, RulesFileError } from '../../../../shared/domain/remediation/rules.ts';

const minimalRule = `
  - name: redeploy-app
    match: { policy_user_labels: { remediation: redeploy } }
    workflow: redeploy
    mode: auto
    target: "app:{{ incident.policy_user_labels.app }}"
    args: { app: "{{ incident.policy_user_labels.app }}" }
`;

function errorOf(text: string): RulesFileError {
  try {
    parseRules(text, 'rules.yaml');
  } catch (err) {
    if (err instanceof RulesFileError) return err;
    throw err;
  }
  throw new Error('expected the rules file to be refused');
}

describe('parseRules', () => {
  it('applies the defaults', () => {
    const rules = parseRules(`version: 1\nrules:${minimalRule}`, 'rules.yaml');
    expect(rules.defaults).toEqual({ cooldownMinutes: 30, rateLimitPerHour: 10, circuitBreaker: { failures: 3, windowMinutes: 1440 }, inFlightLeaseMinutes: 180 });
    expect(rules.maintenanceWindows).toEqual([]);
    expect(rulePolicy(rules.rules[0]!, rules.defaults)).toEqual({
      cooldownMs: 30 * 60_000, circuitBreaker: { failures: 3, windowMs: 1440 * 60_000 }, rateLimitPerHour: 10, inFlightLeaseMs: 180 * 60_000,
    });
  });

  it('a rule can override the cooldown and the breaker', () => {
    const rules = parseRules(`version: 1\nrules:${minimalRule}    cooldownMinutes: 5\n    circuitBreaker: { failures: 1, windowMinutes: 10 }\n`, 'rules.yaml');
    expect(rulePolicy(rules.rules[0]!, rules.defaults)).toMatchObject({ cooldownMs: 5 * 60_000, circuitBreaker: { failures: 1, windowMs: 10 * 60_000 } });
  });

  it.each([
    ['not YAML', 'version: 1\nrules: [\n', '$: not valid YAML'],
    ['wrong version', `version: 2\nrules:${minimalRule}`, '$.version'],
    ['no rules', 'version: 1\nrules: []', '$.rules'],
    ['unknown top-level field', `version: 1\nrulez: []\nrules:${minimalRule}`, 'unknown field(s): rulez'],
    ['bad mode', `version: 1\nrules:${minimalRule.replace('mode: auto', 'mode: yolo')}`, '$.rules[0].mode'],
    ['bad workflow id', `version: 1\nrules:${minimalRule.replace('workflow: redeploy', 'workflow: "re deploy"')}`, '$.rules[0].workflow: must be a workflow id'],
    ['unknown match field', `version: 1\nrules:${minimalRule.replace('match: {', 'match: { colour: red, ')}`, '$.rules[0].match: unknown field(s): colour'],
    ['empty match', `version: 1\nrules:${minimalRule.replace('match: { policy_user_labels: { remediation: redeploy } }', 'match: {}')}`, 'must test at least one field'],
    ['bad regex', `version: 1\nrules:${minimalRule.replace('remediation: redeploy', 'remediation: { regex: "(" }')}`, 'is not a valid regular expression'],
    ['bad operator', `version: 1\nrules:${minimalRule.replace('remediation: redeploy', 'remediation: { like: re }')}`, '$.rules[0].match.policy_user_labels.remediation'],
    ['bad template root', `version: 1\nrules:${minimalRule.replace('args: { app: "{{ incident.policy_user_labels.app }}" }', 'args: { app: "{{ labels.app }}" }')}`, '$.rules[0].args.app: "{{ labels.app }}" must name a field'],
    ['bad target filter', `version: 1\nrules:${minimalRule.replace('"app:{{ incident.policy_user_labels.app }}"', '"app:{{ incident.x | nope }}"')}`, '$.rules[0].target: unknown filter "nope"'],
    ['duplicate rule names', `version: 1\nrules:${minimalRule}${minimalRule}`, '$.rules[1].name: duplicate rule name "redeploy-app"'],
    ['window with both kinds', `version: 1\nmaintenanceWindows:\n  - { name: w, targets: ["app:*"], start: "2026-01-01T00:00:00Z", end: "2026-01-02T00:00:00Z", weekly: { days: [sun], start: "01:00", end: "02:00" } }\nrules:${minimalRule}`, '$.maintenanceWindows[0]: needs either start and end'],
    ['window ending before it starts', `version: 1\nmaintenanceWindows:\n  - { name: w, targets: ["app:*"], start: "2026-01-02T00:00:00Z", end: "2026-01-01T00:00:00Z" }\nrules:${minimalRule}`, '$.maintenanceWindows[0].end: must be after start'],
    ['bad weekly time', `version: 1\nmaintenanceWindows:\n  - { name: w, targets: ["app:*"], weekly: { days: [sun], start: "25:00", end: "02:00" } }\nrules:${minimalRule}`, '$.maintenanceWindows[0].weekly.start: must be HH:MM'],
    ['bad weekday', `version: 1\nmaintenanceWindows:\n  - { name: w, targets: ["app:*"], weekly: { days: [sunday], start: "01:00", end: "02:00" } }\nrules:${minimalRule}`, '$.maintenanceWindows[0].weekly.days[0]'],
  ])('refuses %s with the file, the path and the reason', (_what, text, expected) => {
    const err = errorOf(text);
    expect(err.message).toMatch(/^invalid rules file rules\.yaml: /);
    expect(err.message).toContain(expected);
  });
});

describe('default-rules.yaml', () => {
  const rules = parseRules(readFileSync(fileURLToPath(DEFAULT_RULES_URL), 'utf8'), 'default-rules.yaml');

  it('redeploys an app labelled remediation=redeploy automatically', () => {
    const rule = rules.rules.find((r) => r.workflow === 'redeploy')!;
    expect(rule).toMatchObject({ mode: 'auto', match: { policy_user_labels: { remediation: 'redeploy', app: { exists: true } } } });
    expect(rule.args.app).toBe('{{ incident.policy_user_labels.app }}');
    expect(rule.target).toBe('app:{{ incident.policy_user_labels.app }}');
  });

  it('restores an instance labelled remediation=pitr-restore only after approval', () => {
    const rule = rules.rules.find((r) => r.workflow === 'pitr-restore')!;
    expect(rule).toMatchObject({ mode: 'approval', match: { policy_user_labels: { remediation: 'pitr-restore', instance: { exists: true } } } });
    expect(rule.args).toMatchObject({ instance: '{{ incident.policy_user_labels.instance }}', incidentStartedAt: '{{ incident.started_at | iso }}', requireApproval: true });
    expect(rule.target).toBe('instance:{{ incident.policy_user_labels.instance }}');
  });
});
