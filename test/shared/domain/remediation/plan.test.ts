import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_URL } from '../../../../shared/domain/remediation/default-rules.ts';
import { planRemediation } from '../../../../shared/domain/remediation/plan.ts';
import { parseRules } from '../../../../shared/domain/remediation/rules.ts';
import { TemplateError } from '../../../../shared/domain/remediation/template.ts';
import { incidentSchema } from '../../../../shared/events/schemas/monitoring-incident.ts';

const rules = parseRules(readFileSync(fileURLToPath(DEFAULT_RULES_URL), 'utf8'), 'default-rules.yaml');
const examples = fileURLToPath(new URL('../../../../examples/', import.meta.url));
const example = (name: string) => incidentSchema.parse((JSON.parse(readFileSync(`${examples}${name}`, 'utf8')) as { incident: unknown }).incident);

describe('planRemediation with the default rules', () => {
  it('plans a redeploy for examples/incident-redeploy.json', () => {
    expect(planRemediation(example('incident-redeploy.json'), rules)).toMatchObject({
      matched: true,
      plan: { rule: 'redeploy-app', mode: 'auto', workflow: 'redeploy', target: 'app:zenml-server', args: { app: 'zenml-server', reason: 'alert incident 0.opqiw61fsv7p' }, policy: { cooldownMs: 30 * 60_000 } },
    });
  });

  it('plans an approved PITR restore for examples/incident-pitr.json, from the incident start', () => {
    expect(planRemediation(example('incident-pitr.json'), rules)).toMatchObject({
      matched: true,
      plan: {
        rule: 'pitr-restore-metadata', mode: 'approval', workflow: 'pitr-restore', target: 'instance:zenml-metadata',
        args: { instance: 'zenml-metadata', incidentStartedAt: '2026-01-01T00:00:00.000Z', requireApproval: true },
      },
    });
  });

  it('says why nothing matched', () => {
    const incident = { ...example('incident-redeploy.json'), policy_user_labels: { team: 'ml' } };
    expect(planRemediation(incident, rules)).toEqual({ matched: false, reason: 'matched nothing: no rule matches policy "ZenML server uptime" (labels: team=ml)' });
  });

  it('approval rules always require approval, whatever the template says', () => {
    const custom = parseRules(`version: 1
rules:
  - name: r
    match: { severity: CRITICAL }
    workflow: pitr-restore
    mode: approval
    target: "instance:{{ incident.resource.labels.database_id }}"
    args: { requireApproval: false }
`, 'custom.yaml');
    expect(planRemediation(example('incident-pitr.json'), custom)).toMatchObject({ matched: true, plan: { args: { requireApproval: true } } });
  });

  it('a missing template value names the rule, the argument and the field', () => {
    const custom = parseRules(`version: 1
rules:
  - name: r
    match: { severity: CRITICAL }
    workflow: redeploy
    mode: auto
    target: "app:x"
    args: { app: "{{ incident.policy_user_labels.app }}" }
`, 'custom.yaml');
    expect(() => planRemediation(example('incident-pitr.json'), custom)).toThrow(TemplateError);
    expect(() => planRemediation(example('incident-pitr.json'), custom)).toThrow('rule r args.app: {{ incident.policy_user_labels.app }} has no value in this incident');
  });
});
