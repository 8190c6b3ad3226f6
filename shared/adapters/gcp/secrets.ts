/**
 * Secrets on Secret Manager v1 through @google-cloud/secret-manager. The client module is
 * imported on first use so a function that never touches secrets does not pay for loading it.
 * Payload integrity is checked both ways with CRC32C: sent on addVersion (the service verifies
 * it) and verified here on access.
 */
import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import type { Clock } from '../../ports/clock.ts';
import type { SecretInfo, Secrets, SecretVersionInfo, SecretVersionState } from '../../ports/secrets.ts';
import { PermanentError, TransientError } from '../../runtime/errors.ts';
import { callApi, isNotFound } from './common/errors.ts';
import { exportOf, gaxClient, gaxClientOptions, type GcpEndpointConfig } from './common/endpoint.ts';
import { crc32c } from './secrets/crc32c.ts';
import { timestampToDate } from './secrets/timestamp.ts';

const STATES: Record<string | number, SecretVersionState> = {
  ENABLED: 'ENABLED', DISABLED: 'DISABLED', DESTROYED: 'DESTROYED', 1: 'ENABLED', 2: 'DISABLED', 3: 'DESTROYED',
};
/** No in-client retries: one retry policy, the runtime's (docs/ARCHITECTURE.md, "The handler pipeline", step 5). */
const CALL = { retry: { retryCodes: [] as number[] } };
const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
const VERSION_ID = /^(latest|[1-9][0-9]*)$/;

export class GcpSecrets implements Secrets {
  private readonly client: () => Promise<SecretManagerServiceClient>;

  constructor(private readonly config: GcpEndpointConfig, _clock: Clock) {
    // Built now so a bad endpoint configuration fails at construction, not as a retried call.
    const clientOptions = gaxClientOptions(config);
    this.client = gaxClient('secretmanager', async () => {
      const Client = exportOf(await import('@google-cloud/secret-manager'), 'SecretManagerServiceClient');
      return new Client(clientOptions as ConstructorParameters<typeof Client>[0]);
    });
  }

  private parent(): string {
    return `projects/${this.config.projectId}`;
  }

  private secretName(id: string): string {
    if (!SECRET_ID.test(id)) throw new PermanentError(`secret id "${id}" is invalid: use 1-255 characters from [A-Za-z0-9_-]`, { where: 'secrets.secretId' });
    return `${this.parent()}/secrets/${id}`;
  }

  private versionName(id: string, version: string): string {
    if (!VERSION_ID.test(version)) throw new PermanentError(`secret version "${version}" is invalid: use "latest" or a positive number`, { where: 'secrets.version' });
    return `${this.secretName(id)}/versions/${version}`;
  }

  async getSecret(id: string): Promise<SecretInfo | null> {
    const name = this.secretName(id);
    try {
      const [secret] = await callApi(`secretmanager.getSecret ${name}`, async () => (await this.client()).getSecret({ name }, CALL));
      return toSecretInfo(secret);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async createSecret(id: string, labels: Record<string, string> = {}): Promise<SecretInfo> {
    const name = this.secretName(id);
    const [secret] = await callApi(`secretmanager.createSecret ${name}`, async () => (await this.client()).createSecret({
      parent: this.parent(),
      secretId: id,
      secret: { replication: { automatic: {} }, labels },
    }, CALL));
    return toSecretInfo(secret);
  }

  async listSecrets(): Promise<SecretInfo[]> {
    return callApi(`secretmanager.listSecrets ${this.parent()}`, async () => {
      const out: SecretInfo[] = [];
      for await (const secret of (await this.client()).listSecretsAsync({ parent: this.parent() }, { ...CALL, autoPaginate: false })) out.push(toSecretInfo(secret));
      return out;
    });
  }

  async deleteSecret(id: string): Promise<void> {
    const name = this.secretName(id);
    try {
      await callApi(`secretmanager.deleteSecret ${name}`, async () => (await this.client()).deleteSecret({ name }, CALL));
    } catch (err) {
      // Already gone counts as deleted, so a redelivered request does not fail on finished work.
      if (!isNotFound(err)) throw err;
    }
  }

  async addVersion(id: string, payload: Buffer | string): Promise<SecretVersionInfo> {
    const parent = this.secretName(id);
    const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    const [version] = await callApi(`secretmanager.addSecretVersion ${parent}`, async () => (await this.client()).addSecretVersion({
      parent,
      payload: { data, dataCrc32c: String(crc32c(data)) },
    }, CALL));
    return toVersionInfo(id, version);
  }

  async accessVersion(id: string, version = 'latest'): Promise<Buffer> {
    const name = this.versionName(id, version);
    const [response] = await callApi(`secretmanager.accessSecretVersion ${name}`, async () => (await this.client()).accessSecretVersion({ name }, CALL));
    const raw = response.payload?.data;
    const data = raw === null || raw === undefined ? Buffer.alloc(0) : typeof raw === 'string' ? Buffer.from(raw, 'base64') : Buffer.from(raw);
    const expected = response.payload?.dataCrc32c;
    if (expected !== null && expected !== undefined && String(expected) !== String(crc32c(data))) {
      // Corruption in transit: another attempt may well succeed.
      throw new TransientError(`secretmanager.accessSecretVersion ${name}: payload CRC32C ${crc32c(data)} does not match dataCrc32c ${String(expected)}`, { where: name, code: 'DATA_LOSS' });
    }
    return data;
  }

  async listVersions(id: string): Promise<SecretVersionInfo[]> {
    const parent = this.secretName(id);
    return callApi(`secretmanager.listSecretVersions ${parent}`, async () => {
      const out: SecretVersionInfo[] = [];
      for await (const version of (await this.client()).listSecretVersionsAsync({ parent }, { ...CALL, autoPaginate: false })) out.push(toVersionInfo(id, version));
      return out;
    });
  }

  async enableVersion(id: string, version: string): Promise<void> {
    const name = this.versionName(id, version);
    await callApi(`secretmanager.enableSecretVersion ${name}`, async () => (await this.client()).enableSecretVersion({ name }, CALL));
  }

  async disableVersion(id: string, version: string): Promise<void> {
    const name = this.versionName(id, version);
    await callApi(`secretmanager.disableSecretVersion ${name}`, async () => (await this.client()).disableSecretVersion({ name }, CALL));
  }

  async destroyVersion(id: string, version: string): Promise<void> {
    const name = this.versionName(id, version);
    await callApi(`secretmanager.destroySecretVersion ${name}`, async () => (await this.client()).destroySecretVersion({ name }, CALL));
  }
}

interface SecretMessage { name?: string | null; labels?: Record<string, string> | null; createTime?: unknown }
interface VersionMessage { name?: string | null; state?: unknown; createTime?: unknown }

function toSecretInfo(secret: SecretMessage): SecretInfo {
  const id = (secret.name ?? '').split('/').pop() ?? '';
  const info: SecretInfo = { id, labels: { ...(secret.labels ?? {}) } };
  const created = timestampToDate(secret.createTime);
  if (created) info.createTime = created;
  return info;
}

function toVersionInfo(secretId: string, version: VersionMessage): SecretVersionInfo {
  const state = STATES[String(version.state)];
  if (!state) throw new PermanentError(`secretmanager: version ${version.name ?? '?'} has unknown state ${String(version.state)}`, { where: 'secretmanager.version.state' });
  const info: SecretVersionInfo = { secretId, version: (version.name ?? '').split('/').pop() ?? '', state };
  const created = timestampToDate(version.createTime);
  if (created) info.createTime = created;
  return info;
}
