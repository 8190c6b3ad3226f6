import { describe, expect, it } from 'vitest';
import { gaxClientOptions, simulatorOf } from '../../../../../shared/adapters/gcp/common/endpoint.ts';
import { localSimulatorAuth } from '../../../../../shared/adapters/local/local-auth.ts';

describe('endpoint config', () => {
  it('points at Google with ADC when there is no simulator', () => {
    expect(simulatorOf({ projectId: 'p', region: 'r' })).toBeUndefined();
    expect(gaxClientOptions({ projectId: 'p', region: 'r' })).toEqual({ projectId: 'p' });
  });

  it('uses the injected auth client for a loopback simulator', () => {
    const auth = localSimulatorAuth();
    expect(gaxClientOptions({ projectId: 'p', region: 'r', simulatorUrl: 'http://127.0.0.1:8787', simulatorAuth: auth }))
      .toEqual({ projectId: 'p', fallback: 'rest', apiEndpoint: '127.0.0.1', port: 8787, protocol: 'http', authClient: auth.authClient });
  });

  it('refuses a simulator URL without injected auth, and one off loopback', () => {
    expect(() => simulatorOf({ projectId: 'p', region: 'r', simulatorUrl: 'http://127.0.0.1:8787' }))
      .toThrow(/no simulatorAuth was given: a local run injects its auth client through the composition root/);
    expect(() => simulatorOf({ projectId: 'p', region: 'r', simulatorUrl: 'http://10.1.2.3:80', simulatorAuth: localSimulatorAuth() }))
      .toThrow(/must be a loopback address/);
  });
});
