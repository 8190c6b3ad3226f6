import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_URL } from '../../../../shared/domain/remediation/default-rules.ts';
import { planRemediation } from '../../../../shared/domain/remediation/plan.ts';
import { parseRules } from '../../../../shared/domain/remediation/rules.ts';
import { incidentSchema } from '../../../../shared/events/schemas/monitoring-incident.ts';

const rules = parseRules(readFileSync(fileURLToPath(DEFAULT_RULES_URL), 'utf8'), 'default-rules.yaml');

describe('the RPO breach rule', () => {
  it('an incident of the RPO alert policy (remediation=backup) takes an on-demand backup with backup-now, in auto mode', () => {
    const raw = JSON.parse(readFileSync(new URL('../../../../examples/incident-rpo-breach.json', import.meta.url), 'utf8')) as { incident: unknown };
    expect(planRemediation(incidentSchema.parse(raw.incident), rules)).toMatchObject({
      matched: true,
      plan: { rule: 'backup-on-rpo-breach', mode: 'auto', workflow: 'backup-now', target: 'instance:zenml-metadata', args: { instance: 'zenml-metadata', reason: 'RPO alert incident 0.rpo7xk2m9qa1' }, policy: { cooldownMs: 60 * 60_000 } },
    });
  });
});
