/** Secret Manager, in domain terms. Secret ids are short ids, not resource names. */
export interface SecretInfo {
  id: string;
  labels: Record<string, string>;
  createTime?: Date;
}

export type SecretVersionState = 'ENABLED' | 'DISABLED' | 'DESTROYED';

export interface SecretVersionInfo {
  secretId: string;
  /** The version number as a string, e.g. "3". */
  version: string;
  state: SecretVersionState;
  createTime?: Date;
}

export interface Secrets {
  getSecret(id: string): Promise<SecretInfo | null>;
  createSecret(id: string, labels?: Record<string, string>): Promise<SecretInfo>;
  listSecrets(): Promise<SecretInfo[]>;
  deleteSecret(id: string): Promise<void>;
  addVersion(id: string, payload: Buffer | string): Promise<SecretVersionInfo>;
  /** `version` defaults to "latest". */
  accessVersion(id: string, version?: string): Promise<Buffer>;
  listVersions(id: string): Promise<SecretVersionInfo[]>;
  enableVersion(id: string, version: string): Promise<void>;
  disableVersion(id: string, version: string): Promise<void>;
  destroyVersion(id: string, version: string): Promise<void>;
}
