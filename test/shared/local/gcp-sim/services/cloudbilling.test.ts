import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGcpSim, type GcpSim } from '../../../../../shared/local/gcp-sim/server.ts';
import { CloudBillingSim, loadBillingSeed } from '../../../../../shared/local/gcp-sim/services/cloudbilling.ts';

let sim: GcpSim;
const get = async (path: string) => {
  const res = await fetch(`${sim.url}${path}`, { headers: { authorization: 'Bearer t' } });
  return { status: res.status, json: await res.json() as any };
};

beforeAll(async () => { sim = await startGcpSim({ services: [new CloudBillingSim()] }); });
afterAll(async () => { await sim.close(); });

describe('billing catalog seed', () => {
  const seed = loadBillingSeed();
  it('names its sources, date, region and currency', () => {
    expect(seed.source.takenOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(seed.source.region).toBe('us-central1');
    expect(seed.source.currencyCode).toBe('USD');
    expect(seed.source.pages.every((u) => u.startsWith('https://cloud.google.com/'))).toBe(true);
  });

  it('holds the SKUs the stack is priced with', () => {
    const descriptions = seed.skus.map((s) => `${s.serviceId} ${s.sku.description as string}`);
    for (const needle of [/CCD8-9BF1-090E Autopilot Pod vCPU/, /CCD8-9BF1-090E Autopilot Pod Memory/, /9662-B51E-5089 .*vCPU/, /9662-B51E-5089 .*RAM/,
      /9662-B51E-5089 .*storage/, /95FF-2EF5-5EA1 Standard Storage/, /29E7-DA93-CA13 Invocations/, /29E7-DA93-CA13 CPU/, /29E7-DA93-CA13 Memory/,
      /A1E8-BE35-7EBC Message Delivery/, /Internal steps/, /External HTTP steps/]) {
      expect(descriptions.some((d) => needle.test(d)), String(needle)).toBe(true);
    }
  });
});

describe('CloudBillingSim', () => {
  it('lists services with real catalog ids', async () => {
    const r = await get('/v1/services');
    expect(r.status).toBe(200);
    const gke = r.json.services.find((s: any) => s.serviceId === 'CCD8-9BF1-090E');
    expect(gke).toEqual({ name: 'services/CCD8-9BF1-090E', serviceId: 'CCD8-9BF1-090E', displayName: 'Kubernetes Engine', businessEntityName: 'businessEntities/GCP' });
  });

  it('lists a service’s SKUs in the Sku resource shape, with Money as units (string) + nanos', async () => {
    const r = await get('/v1/services/CCD8-9BF1-090E/skus?currencyCode=USD');
    expect(r.status).toBe(200);
    const cpu = r.json.skus.find((s: any) => /vCPU/.test(s.description));
    expect(cpu.name).toBe(`services/CCD8-9BF1-090E/skus/${cpu.skuId}`);
    expect(cpu.category).toEqual({ serviceDisplayName: 'Kubernetes Engine', resourceFamily: 'Compute', resourceGroup: 'CPU', usageType: 'OnDemand' });
    expect(cpu.serviceRegions).toEqual(['us-central1']);
    expect(cpu.pricingInfo[0].pricingExpression.usageUnit).toBe('h');
    expect(cpu.pricingInfo[0].pricingExpression.tieredRates[0].unitPrice).toEqual({ currencyCode: 'USD', units: '0', nanos: 44_500_000 });
  });

  it('paginates with pageSize and pageToken', async () => {
    const first = await get('/v1/services/9662-B51E-5089/skus?pageSize=2');
    expect(first.json.skus).toHaveLength(2);
    expect(first.json.nextPageToken).not.toBe('');
    const second = await get(`/v1/services/9662-B51E-5089/skus?pageSize=4&pageToken=${first.json.nextPageToken}`);
    expect(second.json.skus).toHaveLength(4);
    expect(second.json.nextPageToken).toBe('');
    const ids = [...first.json.skus, ...second.json.skus].map((s: any) => s.skuId);
    expect(new Set(ids).size).toBe(6);
  });

  it('refuses unknown services, other currencies and bad tokens with clear errors', async () => {
    const unknown = await get('/v1/services/0000-0000-0000/skus');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toContain('services/0000-0000-0000');
    const eur = await get('/v1/services/CCD8-9BF1-090E/skus?currencyCode=EUR');
    expect(eur.status).toBe(400);
    expect(eur.json.error.message).toContain('EUR');
    const token = await get('/v1/services?pageToken=garbage');
    expect(token.status).toBe(400);
    const time = await get('/v1/services/CCD8-9BF1-090E/skus?startTime=yesterday');
    expect(time.status).toBe(400);
  });

  it('summarises the catalog', () => {
    expect(sim.summary().cloudbilling).toEqual({ services: 9, skus: 23 });
  });
});
