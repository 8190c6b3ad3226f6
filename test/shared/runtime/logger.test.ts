import { describe, expect, it } from 'vitest';
import { redact, registerSecretValue } from '../../../shared/runtime/logger.ts';
import { memoryLogger } from '../../support/fakes.ts';

describe('structured logging', () => {
  it('writes Cloud Logging fields: severity, message, time', async () => {
    const { logger, lines } = memoryLogger();
    logger.warn({ runId: 'r1' }, 'something odd');
    await new Promise((r) => setTimeout(r, 10));
    const line = JSON.parse(lines().at(-1)!);
    expect(line).toMatchObject({ severity: 'WARNING', message: 'something odd', runId: 'r1' });
    expect(typeof line.time).toBe('string');
  });

  it('redacts secrets by key, at any depth', () => {
    expect(redact({ user: 'ws_team', password: 'hunter2!!', nested: { Authorization: 'Bearer abc', apiKey: 'k', list: [{ token: 't' }] } }))
      .toEqual({ user: 'ws_team', password: '[REDACTED]', nested: { Authorization: '[REDACTED]', apiKey: '[REDACTED]', list: [{ token: '[REDACTED]' }] } });
  });

  it('redacts known secret values wherever they appear, including in the message', async () => {
    const secret = 'S3cr3t-Value-For-Test-Only';
    registerSecretValue(secret);
    const { logger, lines } = memoryLogger();
    logger.info({ detail: `connection string user:${secret}@host` }, `created user with ${secret}`);
    await new Promise((r) => setTimeout(r, 10));
    const text = lines().join('\n');
    expect(text).not.toContain(secret);
    expect(text).toContain('[REDACTED]');
  });
});
