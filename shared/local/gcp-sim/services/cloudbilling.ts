/**
 * Cloud Billing Catalog v1 (https://cloud.google.com/billing/docs/reference/rest/v1/services and
 * .../services.skus): `services.list` and `services.skus.list`, served from a seed file of list
 * prices (seed/billing-catalog.json names its sources and date). The catalog is read-only, so
 * there is nothing to persist.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Router, SimRequest, SimResponse } from '../router.ts';
import type { SimService } from '../service.ts';
import { invalid, notFound } from '../errors.ts';
import { pageSize, paginate } from './monitoring/page-token.ts';

export const DEFAULT_BILLING_SEED = fileURLToPath(new URL('../seed/billing-catalog.json', import.meta.url));

/** Google documents 5000 as both the default and the maximum page size of these two methods. */
const MAX_PAGE_SIZE = 5000;

export interface CatalogService { name: string; serviceId: string; displayName: string; businessEntityName: string }
export interface CatalogSku { name: string; skuId: string; pricingInfo: Array<{ pricingExpression: { tieredRates: Array<{ unitPrice: { currencyCode: string } }> } }>; [k: string]: unknown }
export interface BillingSeed {
  source: { takenOn: string; region: string; currencyCode: string; pages: string[] };
  services: CatalogService[];
  skus: Array<{ serviceId: string; sku: CatalogSku }>;
}

export function loadBillingSeed(path = DEFAULT_BILLING_SEED): BillingSeed {
  const seed = JSON.parse(readFileSync(path, 'utf8')) as BillingSeed;
  if (!Array.isArray(seed.services) || !Array.isArray(seed.skus) || !seed.source?.takenOn) {
    throw new Error(`${path} is not a billing catalog seed (needs source.takenOn, services[], skus[])`);
  }
  const ids = new Set(seed.services.map((s) => s.serviceId));
  for (const [i, entry] of seed.skus.entries()) {
    if (!ids.has(entry.serviceId)) throw new Error(`${path}: skus[${i}] names unknown service ${entry.serviceId}`);
  }
  return seed;
}

export class CloudBillingSim implements SimService {
  readonly name = 'cloudbilling';
  private readonly seed: BillingSeed;
  private readonly defaultPageSize: number;

  /** `defaultPageSize` (below Google's 5000) lets tests see pagination with a small catalog. */
  constructor(options: { seedFile?: string; defaultPageSize?: number } = {}) {
    this.seed = loadBillingSeed(options.seedFile);
    this.defaultPageSize = Math.min(options.defaultPageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  }

  register(router: Router): void {
    router.add('GET', '/v1/services', 'cloudbilling.services.list', (req) => this.listServices(req), { query: ['pageSize', 'pageToken'] });
    router.add('GET', '/v1/services/{service}/skus', 'cloudbilling.services.skus.list', (req) => this.listSkus(req), { query: ['pageSize', 'pageToken', 'currencyCode', 'startTime', 'endTime'] });
  }

  private listServices(req: SimRequest): SimResponse {
    const size = pageSize(req.query.get('pageSize'), this.defaultPageSize, MAX_PAGE_SIZE);
    const { page, nextPageToken } = paginate(this.seed.services, req.query.get('pageToken'), size, 'services');
    return { body: { services: page, nextPageToken: nextPageToken ?? '' } };
  }

  private listSkus(req: SimRequest): SimResponse {
    const serviceId = req.params.service!;
    if (!this.seed.services.some((s) => s.serviceId === serviceId)) throw notFound(`Service services/${serviceId}`);
    const currency = req.query.get('currencyCode');
    // The real API converts with the day's rate; the seed holds only USD list prices, and a
    // made-up exchange rate would be a wrong price, so other currencies are refused plainly.
    if (currency && currency !== this.seed.source.currencyCode) {
      throw invalid(`Invalid currency_code "${currency}": gcp-sim's catalog holds only ${this.seed.source.currencyCode} list prices (seed taken ${this.seed.source.takenOn}).`);
    }
    for (const p of ['startTime', 'endTime']) {
      const v = req.query.get(p);
      if (v !== null && Number.isNaN(Date.parse(v))) throw invalid(`Invalid value at '${p}' (type.googleapis.com/google.protobuf.Timestamp), "${v}"`);
    }
    const skus = this.seed.skus.filter((e) => e.serviceId === serviceId).map((e) => e.sku);
    const size = pageSize(req.query.get('pageSize'), this.defaultPageSize, MAX_PAGE_SIZE);
    const { page, nextPageToken } = paginate(skus, req.query.get('pageToken'), size, `skus:${serviceId}`);
    return { body: { skus: page, nextPageToken: nextPageToken ?? '' } };
  }

  snapshot(): unknown {
    return { source: this.seed.source, services: this.seed.services.length, skus: this.seed.skus.length };
  }

  summary(): Record<string, number> {
    return { services: this.seed.services.length, skus: this.seed.skus.length };
  }
}
