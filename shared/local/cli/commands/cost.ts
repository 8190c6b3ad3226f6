/**
 * `stackctl cost estimate --env dev|prod [--tfvars FILE]`: what Terraform would build for an
 * environment, priced per component per month with the Catalog (gcp-sim's, through the real
 * client), from the environment's tfvars parsed with @cdktf/hcl2json. Says which prices it used.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import type { Command } from 'commander';
import { z } from 'zod';
import { estimateMonthly, type EstimateInputs } from '../../../domain/cost/estimate.ts';
import { money } from '../../../domain/cost/render/format.ts';
import { formatIssues } from '../../../events/issues.ts';
import { loadCatalog } from '../../../flows/cost-reports/catalog.ts';
import { requireRunningStack } from '../local-state.ts';
import { CliError, globalOptions, printResult } from '../output.ts';
import { localCostDeps } from './report.ts';

/** The variables the estimate reads, with Terraform's defaults (terraform/variables.tf) where it has them. */
const tfvarsSchema = z.looseObject({
  environment: z.string().min(1),
  region: z.string().regex(/^[a-z]+-[a-z]+\d$/, 'must be a GCP region'),
  mysql_tier: z.string().min(1),
  mysql_disk_size_gb: z.number().int().positive(),
  mysql_availability_type: z.enum(['ZONAL', 'REGIONAL']),
  backup_retention_days: z.number().int().positive().default(7),
});

/** terraform/environments/<env>.tfvars, or terraform/environments/<env>/terraform.tfvars. */
export function tfvarsPath(env: string, root = 'terraform'): string {
  const candidates = [resolve(root, 'environments', `${env}.tfvars`), resolve(root, 'environments', env, 'terraform.tfvars')];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new CliError(`no tfvars for environment "${env}": looked for ${candidates.join(' and ')}`);
  return found;
}

export async function readEstimateInputs(file: string): Promise<EstimateInputs> {
  let json: unknown;
  try {
    json = await parseHcl(file, readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`${file}: does not parse as HCL: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = tfvarsSchema.safeParse(json);
  if (!parsed.success) throw new CliError(`${file}: ${formatIssues(parsed.error.issues).map((i) => `${i.path.replace(/^\$\./, '')}: ${i.message}`).join('; ')}`);
  const v = parsed.data;
  return {
    environment: v.environment, region: v.region, mysqlTier: v.mysql_tier, mysqlDiskGb: v.mysql_disk_size_gb,
    mysqlAvailability: v.mysql_availability_type, backupRetentionDays: v.backup_retention_days,
    natVms: 3, natDataGiB: 50, forwardingRules: 1, exportFraction: 0.25,
  };
}

export function register(program: Command): void {
  const cost = program.command('cost').description('cost tools');
  cost
    .command('estimate')
    .description('price what Terraform would build for an environment, per component per month, with the Catalog')
    .requiredOption('--env <env>', 'dev or prod (terraform/environments/<env>.tfvars)')
    .option('--tfvars <file>', 'read this tfvars file instead')
    .option('--fallback-region <region>', 'price with this region when the catalog has none for the environment\'s', 'us-central1')
    .action(async (opts: { env: string; tfvars?: string; fallbackRegion: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      if (!/^[a-z][a-z0-9-]{0,30}$/.test(opts.env)) throw new CliError(`--env must be an environment name such as dev or prod, got "${opts.env}"`);
      const file = opts.tfvars ? resolve(opts.tfvars) : tfvarsPath(opts.env);
      const inputs = await readEstimateInputs(file);
      const stack = requireRunningStack(global.dataDir);
      const deps = localCostDeps(stack);
      const catalog = await loadCatalog(deps.pricing, deps.settings.currencyCode);
      const estimate = estimateMonthly(inputs, catalog, opts.fallbackRegion);
      const m = (x: number) => money(x, estimate.currency);
      printResult(global, { file, ...estimate }, () => [
        `${estimate.environment} (${file}): ${m(estimate.monthly)} a month`,
        ...estimate.byComponent.map((c) => `  ${c.component.padEnd(10)} ${m(c.cost)}`),
        '',
        ...estimate.lines.map((l) => `  ${l.component.padEnd(10)} ${l.sku} ${l.description}: ${l.quantity.toFixed(2)} ${l.unit} × ${l.unitPrice} = ${m(l.cost)}  (${l.assumption})`),
        '',
        `prices: ${estimate.prices}, region ${estimate.priceRegion}`,
        ...estimate.notes.map((n) => `note: ${n}`),
      ].join('\n'));
    });
}
