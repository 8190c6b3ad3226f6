import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/runtime/config.ts';

describe('loadConfig', () => {
  it('has local defaults for everything', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ mode: 'local', projectId: 'local-project', stateStore: 'sqlite', maxMessageBytes: 65536, backupBucket: 'local-project-backups' });
  });

  it('uses Firestore in production unless told otherwise', () => {
    expect(loadConfig({ STACKCTL_MODE: 'production', GOOGLE_CLOUD_PROJECT: 'acme-ml-prod' }).stateStore).toBe('firestore');
  });

  it('names the variable and the reason when a value is bad', () => {
    expect(() => loadConfig({ STACKCTL_MAX_MESSAGE_BYTES: 'lots' })).toThrow(/STACKCTL_MAX_MESSAGE_BYTES/);
    expect(() => loadConfig({ PUBSUB_EMULATOR_HOST: '10.0.0.5:8085' })).toThrow(/PUBSUB_EMULATOR_HOST: must be a loopback host:port/);
    expect(() => loadConfig({ GOOGLE_CLOUD_PROJECT: 'Bad_Project' })).toThrow(/GOOGLE_CLOUD_PROJECT/);
    expect(() => loadConfig({ STACKCTL_MODE: 'production', STACKCTL_GCP_SIM_URL: 'http://127.0.0.1:1' })).toThrow(/must not be set in production/);
  });
});
