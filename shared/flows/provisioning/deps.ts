import type { ObjectStore } from '../../ports/object-store.ts';
import type { Registry } from '../../ports/registry.ts';
import type { Secrets } from '../../ports/secrets.ts';
import type { SqlAdmin } from '../../ports/sql-admin.ts';

export interface ProvisioningDeps {
  sql: SqlAdmin;
  secrets: Secrets;
  objects: ObjectStore;
  registry: Registry;
}
