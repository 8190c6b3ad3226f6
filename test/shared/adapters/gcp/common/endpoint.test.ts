import { afterEach, describe, expect, it } from 'vitest';
import { exportOf, gaxClient, gaxClientOptions, simulatorOf } from '../../../../../shared/adapters/gcp/common/endpoint.ts';
import { localSimulatorAuth } from '../../../../../shared/adapters/local/local-auth.ts';
import { GcpMetrics } from '../../../../../shared/adapters/gcp/metrics.ts';
import { GcpSqlAdmin } from '../../../../../shared/adapters/gcp/sql-admin.ts';
import { systemClock } from '../../../../../shared/runtime/system-clock.ts';
import { TransientError } from '../../../../../shared/runtime/errors.ts';

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

describe('gaxClient', () => {
  const saved = { ...process.env };
  afterEach(() => { process.env = { ...saved }; });

  it('turns a client that cannot start into a classified error, and builds a new client on the next call', async () => {
    let made = 0;
    let closed = 0;
    const client = gaxClient('demo', () => {
      made++;
      return {
        initialize: () => (made === 1 ? Promise.reject(new Error('Could not load the default credentials')) : Promise.resolve({})),
        close: async () => { closed++; },
      };
    });
    const first = await client().catch((err: unknown) => err);
    expect(first).toBeInstanceOf(TransientError);
    expect((first as Error).message).toMatch(/^demo: the client did not start \(credentials or endpoint\): Could not load the default credentials/);
    expect(closed).toBe(1);
    const second = await client();
    expect(await client()).toBe(second);
    expect(made).toBe(2);
  });

  // A real generated client whose credentials cannot be found: every call must fail through the
  // adapter, leaving no unhandled rejection behind (vitest fails the run on one; functions-framework
  // kills the instance on one).
  it('real clients without credentials fail their calls as TransientError naming the client, with no unhandled rejection', async () => {
    process.env.GOOGLE_APPLICATION_CREDENTIALS = '/nonexistent/stackctl-test-credentials.json';
    process.env.METADATA_SERVER_DETECTION = 'none';
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    try {
      const endpoint = { projectId: 'demo-project', region: 'us-central1' };
      const metrics = new GcpMetrics(endpoint, systemClock);
      const sql = new GcpSqlAdmin(endpoint, systemClock);
      for (let i = 0; i < 2; i++) {
        await expect(metrics.write([{ metricType: 'custom.googleapis.com/x', value: 1, valueType: 'DOUBLE', endTime: new Date(), resourceType: 'global', resourceLabels: {} }]))
          .rejects.toThrow(/monitoring: the client did not start \(credentials or endpoint\).*stackctl-test-credentials/);
        await expect(sql.getInstance('zenml-metadata')).rejects.toBeInstanceOf(TransientError);
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('exportOf', () => {
  class Client {}
  it('finds a CommonJS export however the import() namespace was built, and names a missing one', () => {
    const moduleExports = { Client, protos: {} };
    // Node: the detected names and module.exports as default.
    expect(exportOf({ ...moduleExports, default: moduleExports }, 'Client')).toBe(Client);
    // The deployed bundle: default only.
    expect(exportOf({ default: moduleExports } as { default: typeof moduleExports; Client?: typeof Client }, 'Client')).toBe(Client);
    // A loader honouring __esModule: default is the package's own exports.default, which lacks some names.
    expect(exportOf({ ...moduleExports, default: { Client } }, 'protos')).toBe(moduleExports.protos);
    expect(() => exportOf({ default: {} } as { default: object; Client?: typeof Client }, 'Client')).toThrow(/the imported package has no export "Client"/);
  });
});
