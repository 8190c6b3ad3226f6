import { describe, expect, it } from 'vitest';
import { decodeAlertsMessage } from '../../../../shared/events/decode.ts';
import type { PubsubMessage } from '../../../../shared/events/envelope.ts';
import { ValidationError } from '../../../../shared/runtime/errors.ts';

function notification(policyUserLabels: Record<string, string>): PubsubMessage {
  const body = {
    version: '1.2',
    incident: {
      incident_id: '0.hostile', started_at: 1767225600, state: 'open', policy_name: 'p',
      policy_user_labels: policyUserLabels,
    },
  };
  return { data: Buffer.from(JSON.stringify(body)), attributes: {}, messageId: '1', publishTime: new Date(), mode: 'push' };
}

describe('monitoring incident labels', () => {
  it.each([
    ['zenml-server/../mlflow'],
    ['../../../__sim/faults'],
    ['a b'],
    ['App'],
    ['x'.repeat(64)],
    ['%2e%2e'],
  ])('refuses the label value %j with the JSON path of the label', (value) => {
    let error: unknown;
    try {
      decodeAlertsMessage(notification({ remediation: 'redeploy', app: value }));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/\$\.incident\.policy_user_labels\.app/);
  });

  it('refuses a label key outside the label rules', () => {
    expect(() => decodeAlertsMessage(notification({ 'App/x': 'a' }))).toThrow(/policy_user_labels/);
  });

  it('accepts labels in Google\'s label syntax', () => {
    const event = decodeAlertsMessage(notification({ remediation: 'redeploy', app: 'zenml-server', team_1: '' }));
    expect(event.kind).toBe('MonitoringIncident');
  });
});
