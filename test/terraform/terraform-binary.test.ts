/**
 * The root variables evaluated by the real terraform binary (skipped, and said so, when the
 * machine has none): both environments, both seed snippets on top of them, and a broken
 * fixture that every fixed validation must refuse; plus terraform fmt -check.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fmtCheck, InputsHarness, terraformVersion } from './binary.ts';

const here = dirname(fileURLToPath(import.meta.url));
const tfDir = resolve(here, '../../terraform');
const envFile = (e: string) => join(tfDir, 'environments', `${e}.tfvars`);
const fixture = (...p: string[]) => join(here, 'fixtures', ...p);

const version = terraformVersion();
if (!version) console.warn('terraform-binary.test.ts: SKIPPED, no terraform binary on the PATH (the hcl2json checks still ran)');

describe.skipIf(!version)(`terraform ${version ?? '(not installed)'}: the root module's inputs`, () => {
  let harness: InputsHarness;
  beforeAll(() => {
    harness = new InputsHarness(tfDir);
  });
  afterAll(() => harness?.dispose());

  it('terraform fmt -check -recursive finds nothing to rewrite, and does find a badly formatted file', () => {
    expect(fmtCheck(tfDir)).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'tf-fmt-'));
    cpSync(fixture('sql-recovery'), dir, { recursive: true });
    writeFileSync(join(dir, 'ugly.tf'), 'variable "x" {\ntype=string\n   description = "x"\n}\n');
    const found = fmtCheck(dir);
    rmSync(dir, { recursive: true, force: true });
    expect(found.map((f) => f.split('/').pop())).toEqual(['ugly.tf']);
  });

  for (const env of ['dev', 'prod']) {
    it(`environments/${env}.tfvars passes every type and validation`, () => {
      const r = harness.evaluate([envFile(env)]);
      expect(r.invalid, r.log).toEqual([]);
      expect(r.ok, r.log).toBe(true);
      expect(r.outputs.environment).toBe(env);
      expect(r.outputs.backup_region).toBe('us-east1');
    });

    it(`the seed's ${env} snippet is accepted as written (on top of ${env}.tfvars)`, () => {
      const r = harness.evaluate([envFile(env), fixture('seed', `${env}.tfvars`)]);
      expect(r.ok, r.log).toBe(true);
      expect(r.outputs.project_name).toBe('zenml-mlops');
      expect(r.outputs.zones).toEqual(['us-central1-a', 'us-central1-b', 'us-central1-c']);
      expect(r.outputs.node_pools).toMatchObject({ general: { node_count: env === 'dev' ? 1 : 3, machine_type: env === 'dev' ? 'e2-small' : 'e2-standard-4' } });
      // The 30-character service account ids need a prefix of at most 17 characters.
      expect(String(r.outputs.prefix).length).toBeLessThanOrEqual(17);
    });
  }

  it('in Autopilot mode the seed\'s node_pools are accepted with a warning that names them; in Standard mode without one', () => {
    const dev = harness.evaluate([envFile('dev'), fixture('seed', 'dev.tfvars')]);
    expect(dev.outputs.gke_mode).toBe('autopilot');
    expect(dev.warnings.join('\n')).toMatch(/node_pools \(general\) is ignored because gke_mode is "autopilot"/);
    const prod = harness.evaluate([envFile('prod'), fixture('seed', 'prod.tfvars')]);
    expect(prod.outputs.gke_mode).toBe('standard');
    expect(prod.warnings).toEqual([]);
  });

  it('a long project_name is shortened deterministically to fit the service account ids', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-long-'));
    writeFileSync(join(dir, 'long.tfvars'), 'project_name = "zenml-mlops-platform-team"\n');
    const r = harness.evaluate([envFile('prod'), join(dir, 'long.tfvars')]);
    rmSync(dir, { recursive: true, force: true });
    expect(r.ok, r.log).toBe(true);
    expect(r.outputs.short_name).toMatch(/^zenml-m-[0-9a-f]{4}$/);
    expect(String(r.outputs.prefix)).toMatch(/^zenml-m-[0-9a-f]{4}-prod$/);
  });

  it('the broken fixture is refused, variable by variable', () => {
    const r = harness.evaluate([envFile('dev'), fixture('tfvars', 'broken-schedules.tfvars')]);
    expect(r.ok).toBe(false);
    expect([...new Set(r.invalid)].sort()).toEqual(['backup_region', 'backup_schedule', 'lock_backup_retention', 'node_pools', 'zones']);
  });
});
