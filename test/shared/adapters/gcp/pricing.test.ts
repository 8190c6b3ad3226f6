import { readFileSync } from 'node:fs';
import { localSimulatorAuth } from '../../../../shared/adapters/local/local-auth.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GcpPricing, moneyToNumber } from '../../../../shared/adapters/gcp/pricing.ts';
import { startGcpSim, type GcpSim } from '../../../../shared/local/gcp-sim/server.ts';
import { CloudBillingSim } from '../../../../shared/local/gcp-sim/services/cloudbilling.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { PermanentError, TransientError } from '../../../../shared/runtime/errors.ts';

const fixture = JSON.parse(readFileSync(new URL('../../../fixtures/wire/cloudbilling/pricing-adapter.json', import.meta.url), 'utf8'));

interface Recorded { method: string; path: string; query: Record<string, string>; body?: unknown }
let sim: GcpSim;
let pricing: GcpPricing;
let recorded: Recorded[] = [];
const realFetch = globalThis.fetch;

/** Records what the real client sends to gcp-sim (method, path, query without `$alt`, JSON body). */
function record(): void {
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (url.origin === sim.url) {
      const query = Object.fromEntries([...url.searchParams].filter(([k]) => k !== '$alt'));
      const body = typeof init?.body === 'string' && init.body !== '' ? JSON.parse(init.body) : undefined;
      recorded.push({ method: init?.method ?? 'GET', path: url.pathname, query, ...(body === undefined ? {} : { body }) });
    }
    return realFetch(input, init);
  }) as typeof fetch;
}

function expectWire(expected: Recorded[]): void {
  expect(recorded.length).toBe(expected.length);
  expected.forEach((e, i) => {
    const got = recorded[i]!;
    expect(got.method).toBe(e.method);
    expect(got.path).toBe(e.path);
    expect(Object.keys(got.query).sort()).toEqual(Object.keys(e.query).sort());
    for (const [k, v] of Object.entries(e.query)) if (v !== '<any>') expect(got.query[k]).toBe(v);
    expect(got.body).toEqual(e.body);
  });
}

beforeAll(async () => {
  sim = await startGcpSim({ services: [new CloudBillingSim({ defaultPageSize: 2 })] });
  pricing = new GcpPricing({ projectId: 'demo-project', region: 'us-central1', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() }, new VirtualClock());
  record();
});
afterEach(() => { recorded = []; sim.faults.clear(); });
afterAll(async () => { globalThis.fetch = realFetch; await sim.close(); });

describe('GcpPricing against gcp-sim through CloudCatalogClient', () => {
  it('listServices follows pagination to every service', async () => {
    const services = await pricing.listServices();
    expect(services).toHaveLength(9);
    expect(services).toContainEqual({ serviceId: 'CCD8-9BF1-090E', displayName: 'Kubernetes Engine' });
    expect(recorded.length).toBe(5); // 9 services, 2 per page
  });

  it('listSkus converts units+nanos to numbers and keeps the SKU fields', async () => {
    const skus = await pricing.listSkus('CCD8-9BF1-090E');
    const cpu = skus.find((s) => /vCPU/.test(s.description))!;
    expect(cpu).toMatchObject({ serviceId: 'CCD8-9BF1-090E', resourceFamily: 'Compute', resourceGroup: 'CPU', usageType: 'OnDemand', serviceRegions: ['us-central1'], usageUnit: 'h', unitPrice: 0.0445, currencyCode: 'USD' });
    const memory = skus.find((s) => /Memory/.test(s.description))!;
    expect(memory.unitPrice).toBeCloseTo(0.0049225, 10);
    expect(memory.usageUnit).toBe('GiBy.h');
    expect(memory).toMatchObject({ baseUnit: 'By.s', baseUnitConversionFactor: 3865470566400 });
  });

  it('keeps the whole tiered rate, free tier first', async () => {
    const skus = await pricing.listSkus('29E7-DA93-CA13');
    expect(skus.find((s) => s.description === 'Invocations')!.tiers).toEqual([
      { startUsageAmount: 0, unitPrice: 0 },
      { startUsageAmount: 2_000_000, unitPrice: 0.0000004 },
    ]);
  });

  it('prices a SKU with a free tier at its first paid tier', async () => {
    const skus = await pricing.listSkus('29E7-DA93-CA13');
    expect(skus.find((s) => s.description === 'Invocations')!.unitPrice).toBeCloseTo(0.0000004, 12);
    const pubsub = await pricing.listSkus('A1E8-BE35-7EBC');
    expect(pubsub[0]!.unitPrice).toBe(40);
    expect(pubsub[0]!.usageUnit).toBe('TiBy');
  });

  it('follows nextPageToken to the last SKU', async () => {
    const skus = await pricing.listSkus('9662-B51E-5089');
    expect(skus.map((s) => s.skuId)).toHaveLength(6);
    expect(new Set(skus.map((s) => s.skuId)).size).toBe(6);
  });

  it('refuses a malformed service id without calling the API', async () => {
    await expect(pricing.listSkus('compute')).rejects.toBeInstanceOf(PermanentError);
    expect(recorded).toEqual([]);
  });

  it('moneyToNumber handles negative and Long-like units', () => {
    expect(moneyToNumber({ units: '-1', nanos: -750_000_000 })).toBe(-1.75);
    expect(moneyToNumber({ units: { toString: () => '12' }, nanos: 5 })).toBeCloseTo(12.000000005, 12);
    expect(moneyToNumber(undefined)).toBe(0);
  });
});

describe('GcpPricing wire format (fixture from the Cloud Billing REST reference)', () => {
  it('services.list', async () => {
    await new GcpPricing({ projectId: 'demo-project', region: 'us-central1', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() }, new VirtualClock()).listServices();
    expectWire([fixture.listServices[0], ...Array(4).fill({ ...fixture.listServices[0], query: { pageToken: '<any>' } })]);
  });

  it('services.skus.list', async () => {
    await pricing.listSkus('149C-F9EC-3994');
    expectWire(fixture.listSkus);
  });

  it('services.skus.list following pages', async () => {
    await pricing.listSkus('9662-B51E-5089');
    expectWire(fixture.listSkusFollowingPages);
  });
});

describe('GcpPricing error classes under fault injection', () => {
  it('503 on skus.list is transient', async () => {
    sim.faults.add({ method: 'cloudbilling.services.skus.list', code: 503, times: 1 });
    await expect(pricing.listSkus('CCD8-9BF1-090E')).rejects.toBeInstanceOf(TransientError);
  });

  it('403 on services.list is permanent', async () => {
    sim.faults.add({ method: 'cloudbilling.services.list', code: 403, times: 1 });
    await expect(pricing.listServices()).rejects.toBeInstanceOf(PermanentError);
  });

  it('an unknown service is permanent (404)', async () => {
    const err = await pricing.listSkus('0000-0000-0000').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as PermanentError).code).toBe(404);
  });
});
