import { describe, expect, it } from 'vitest';
import { checkTemplate, renderString, renderTemplate, TemplateError, type TemplateContext } from '../../../../shared/domain/remediation/template.ts';

const context: TemplateContext = {
  incident: { incident_id: '0.abc', started_at: 1767225600, policy_user_labels: { app: 'zenml-server', empty: '' }, severity: 'CRITICAL' },
  rule: { name: 'redeploy-app', workflow: 'redeploy', mode: 'auto' },
};

describe('renderTemplate', () => {
  it.each([
    ['{{ incident.policy_user_labels.app }}', 'zenml-server'],
    ['{{incident.policy_user_labels.app}}', 'zenml-server'],
    ['app:{{ incident.policy_user_labels.app }}', 'app:zenml-server'],
    ['{{ incident.started_at }}', 1767225600],
    ['{{ incident.started_at | iso }}', '2026-01-01T00:00:00.000Z'],
    ['at {{ incident.started_at }}', 'at 1767225600'],
    ['{{ incident.severity | lower }}', 'critical'],
    ['{{ rule.name }} for {{ incident.incident_id }}', 'redeploy-app for 0.abc'],
    ['no template', 'no template'],
  ])('%s → %j', (template, expected) => {
    expect(renderTemplate(template, context, 'args.x')).toEqual(expected);
  });

  it('renders nested maps and arrays and keeps non-strings', () => {
    expect(renderTemplate({ app: '{{ incident.policy_user_labels.app }}', apps: ['{{ rule.workflow }}'], requireApproval: true, n: 3 }, context, 'args'))
      .toEqual({ app: 'zenml-server', apps: ['redeploy'], requireApproval: true, n: 3 });
  });

  it.each([
    ['{{ incident.policy_user_labels.instance }}', 'args.instance: {{ incident.policy_user_labels.instance }} has no value in this incident'],
    ['{{ incident.policy_user_labels.empty }}', 'has no value'],
    ['{{ incident.nothing.deeper }}', 'has no value'],
    ['{{ incident.severity | iso }}', 'the iso filter needs epoch seconds'],
  ])('a missing or unusable value is a clear TemplateError: %s', (template, message) => {
    expect(() => renderTemplate({ instance: template }, context, 'args')).toThrow(TemplateError);
    expect(() => renderTemplate({ instance: template }, context, 'args')).toThrow(message);
  });

  it('renderString refuses a non-string result', () => {
    expect(() => renderString('{{ incident.started_at }}', context, 'target')).toThrow('target: must render to a non-empty string');
    expect(renderString('app:{{ incident.policy_user_labels.app }}', context, 'target')).toBe('app:zenml-server');
  });
});

describe('checkTemplate', () => {
  it.each([
    ['{{ labels.app }}', 'must name a field of incident or rule'],
    ['{{ incident.app | shout }}', 'unknown filter "shout"'],
    ['{{ incident.app | lower | upper }}', 'more than one filter'],
    ['{{ incident.app', 'unbalanced'],
    ['{{ }}', 'must name a field'],
  ])('rejects %s', (template, message) => {
    expect(() => checkTemplate({ a: [template] }, 'args')).toThrow(message);
    expect(() => checkTemplate({ a: [template] }, 'args')).toThrow('args.a[0]');
  });

  it('accepts valid templates and plain values', () => {
    expect(() => checkTemplate({ a: '{{ incident.x | iso }}', b: 1, c: [true, 'x {{ rule.name }}'] }, 'args')).not.toThrow();
  });
});
