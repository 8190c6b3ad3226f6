import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEstimateInputs, tfvarsPath } from '../../../../../shared/local/cli/commands/cost.ts';

describe('stackctl cost estimate: tfvars', () => {
  it('reads both environments\' tfvars with hcl2json', async () => {
    const dev = await readEstimateInputs(tfvarsPath('dev'));
    expect(dev.region).toMatch(/^[a-z]+-[a-z]+\d$/);
    expect(dev).toMatchObject({ environment: 'dev', mysqlTier: 'db-n1-standard-2', mysqlDiskGb: 20, mysqlAvailability: 'ZONAL' });
    const prod = await readEstimateInputs(tfvarsPath('prod'));
    expect(prod).toMatchObject({ environment: 'prod', mysqlAvailability: 'REGIONAL' });
  });

  it('names a missing environment and a bad value', async () => {
    expect(() => tfvarsPath('qa')).toThrow(/no tfvars for environment "qa"/);
    const file = join(mkdtempSync(join(tmpdir(), 'tfvars-')), 'bad.tfvars');
    writeFileSync(file, 'environment = "dev"\nregion = "europe-west1"\nmysql_tier = "db-n1-standard-2"\nmysql_disk_size_gb = -5\nmysql_availability_type = "SOMETIMES"\n');
    await expect(readEstimateInputs(file)).rejects.toThrow(/mysql_disk_size_gb: .*mysql_availability_type/s);
  });
});
