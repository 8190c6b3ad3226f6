import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_URL } from '../../../../shared/domain/remediation/default-rules.ts';
import { planRemediation } from '../../../../shared/domain/remediation/plan.ts';
import { parseRules } from '../../../../shared/domain/remediation/rules.ts';
import { TemplateError } from '../../../../shared/domain/remediation/template.ts';
import { TargetNotAllowedError } from '../../../../shared/domain/remediation/allow-list.ts';
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
allow: { instances: [zenml-metadata] }
rules:
  - name: r
    match: { severity: CRITICAL }
    workflow: pitr-restore
    mode: approval
    target: "instance:{{ incident.policy_user_labels.instance }}"
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

describe('the allow-list of apps and instances', () => {
  const withAllow = (allow: string) => parseRules(`version: 1
${allow}
rules:
  - name: redeploy-app
    match: { policy_user_labels: { remediation: redeploy } }
    workflow: redeploy
    mode: auto
    target: "app:{{ incident.policy_user_labels.app }}"
    args: { app: "{{ incident.policy_user_labels.app }}" }
  - name: restore
    match: { policy_user_labels: { remediation: pitr-restore } }
    workflow: pitr-restore
    mode: approval
    target: "instance:{{ incident.policy_user_labels.instance }}"
    args: { instance: "{{ incident.policy_user_labels.instance }}", apps: ["zenml-server", "{{ incident.policy_user_labels.app }}"] }
`, 'custom.yaml');
  const incident = (labels: Record<string, string>) => ({ ...example('incident-redeploy.json'), policy_user_labels: labels });

  it('plans for an app the rules name', () => {
    const rules = withAllow('allow: { apps: [zenml-server, mlflow], instances: [zenml-metadata] }');
    expect(planRemediation(incident({ remediation: 'redeploy', app: 'mlflow' }), rules)).toMatchObject({ matched: true, plan: { target: 'app:mlflow' } });
  });

  it('refuses an app the rules do not name, saying which list and which rule', () => {
    const rules = withAllow('allow: { apps: [zenml-server, mlflow], instances: [zenml-metadata] }');
    expect(() => planRemediation(incident({ remediation: 'redeploy', app: 'grafana' }), rules))
      .toThrow('rule redeploy-app target: app "grafana" is not in the rules file\'s allow.apps (zenml-server, mlflow)');
  });

  it('refuses a path in a target even when the prefix is allowed', () => {
    const rules = withAllow('allow: { apps: [zenml-server, mlflow], instances: [zenml-metadata] }');
    expect(() => planRemediation(incident({ remediation: 'redeploy', app: 'zenml-server/../mlflow' }), rules)).toThrow(TargetNotAllowedError);
  });

  it('checks instance and apps arguments too', () => {
    const rules = withAllow('allow: { apps: [zenml-server, mlflow], instances: [zenml-metadata] }');
    expect(() => planRemediation(incident({ remediation: 'pitr-restore', instance: 'zenml-metadata', app: 'grafana' }), rules))
      .toThrow('rule restore args.apps[1]: app "grafana" is not in the rules file\'s allow.apps (zenml-server, mlflow)');
    expect(() => planRemediation(incident({ remediation: 'pitr-restore', instance: 'other-db', app: 'mlflow' }), rules))
      .toThrow('rule restore target: instance "other-db" is not in the rules file\'s allow.instances (zenml-metadata)');
  });

  it('a rules file without an allow-list may act on nothing', () => {
    const rules = withAllow('');
    expect(() => planRemediation(incident({ remediation: 'redeploy', app: 'zenml-server' }), rules))
      .toThrow('rule redeploy-app target: app "zenml-server" is not in the rules file\'s allow.apps (none)');
  });

  it('refuses names in the allow-list that could not be safe in a URL', () => {
    expect(() => withAllow('allow: { apps: ["a/../b"] }')).toThrow(/allow\.apps\[0\]/);
  });
});
