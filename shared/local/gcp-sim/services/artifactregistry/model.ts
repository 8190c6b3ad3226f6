/**
 * Artifact Registry v1 repositories and long-running operations as the REST surface shows them
 * (https://cloud.google.com/artifact-registry/docs/reference/rest/v1/projects.locations.repositories,
 * enums from google/devtools/artifactregistry/v1/repository.proto).
 */
import { SimError } from '../../errors.ts';

export const FORMATS: Record<string, number> = {
  FORMAT_UNSPECIFIED: 0, DOCKER: 1, MAVEN: 2, NPM: 3, APT: 5, YUM: 6, PYTHON: 8, KFP: 9, GO: 10, GENERIC: 11, RUBY: 12,
};
export const MODES: Record<string, number> = { MODE_UNSPECIFIED: 0, STANDARD_REPOSITORY: 1, VIRTUAL_REPOSITORY: 2, REMOTE_REPOSITORY: 3 };

const REGISTRY_HOST: Record<string, string> = { DOCKER: 'docker.pkg.dev', KFP: 'kfp.pkg.dev', PYTHON: 'python.pkg.dev', NPM: 'npm.pkg.dev', MAVEN: 'maven.pkg.dev', GO: 'go.pkg.dev', GENERIC: 'generic.pkg.dev' };

export const REPOSITORY_TYPE = 'type.googleapis.com/google.devtools.artifactregistry.v1.Repository';
export const METADATA_TYPE = 'type.googleapis.com/google.devtools.artifactregistry.v1.OperationMetadata';
export const EMPTY_TYPE = 'type.googleapis.com/google.protobuf.Empty';

export interface StoredRepository {
  name: string;
  format: string;
  mode: string;
  description?: string;
  labels: Record<string, string>;
  createTime: string;
  updateTime: string;
}

export interface StoredOperation {
  name: string;
  kind: 'create' | 'delete';
  repository: StoredRepository;
  /** Clock time (ms) at which the operation is done. */
  doneAt: number;
  done: boolean;
  /** google.rpc.Status the operation ends with instead of a response (set by failNextOperation). */
  error?: { code: number; message: string };
}

const REPOSITORY_ID = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;

export function checkRepositoryId(id: string | null): string {
  if (!id) throw new SimError(400, 'Request is missing required field repository_id.', 'INVALID_ARGUMENT');
  if (!REPOSITORY_ID.test(id)) {
    throw new SimError(400, `Invalid repository_id "${id}": it must start with a lowercase letter, hold only lowercase letters, digits and hyphens, end with a letter or digit, and be at most 63 characters.`, 'INVALID_ARGUMENT');
  }
  return id;
}

/** Enums arrive as names or numbers (google-gax sends numbers with `enum-encoding=int`). */
export function enumName(table: Record<string, number>, value: unknown, field: string, fallback: string): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number') {
    const found = Object.entries(table).find(([, n]) => n === value);
    if (found) return found[0];
  } else if (typeof value === 'string' && value in table) {
    return value;
  }
  throw new SimError(400, `Invalid value at '${field}': ${JSON.stringify(value)} is not one of ${Object.keys(table).join(', ')}.`, 'INVALID_ARGUMENT');
}

export function checkLabels(labels: unknown): Record<string, string> {
  if (labels === undefined || labels === null) return {};
  if (typeof labels !== 'object' || Array.isArray(labels)) throw new SimError(400, "Invalid value at 'repository.labels': expected a map of strings.", 'INVALID_ARGUMENT');
  for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
    if (!LABEL_KEY.test(key) || typeof value !== 'string' || !LABEL_VALUE.test(value)) {
      throw new SimError(400, `Invalid label ${key}=${String(value)} in repository.labels: keys start with a lowercase letter; keys and values hold at most 63 lowercase letters, digits, '_' or '-'.`, 'INVALID_ARGUMENT');
    }
  }
  return { ...(labels as Record<string, string>) };
}

export function repositoryJson(repo: StoredRepository, intEnums: boolean): Record<string, unknown> {
  const [, project, , location, , id] = repo.name.split('/');
  const out: Record<string, unknown> = {
    name: repo.name,
    format: intEnums ? FORMATS[repo.format] : repo.format,
    createTime: repo.createTime,
    updateTime: repo.updateTime,
    mode: intEnums ? MODES[repo.mode] : repo.mode,
    sizeBytes: '0',
    satisfiesPzi: false,
  };
  if (repo.description) out.description = repo.description;
  if (Object.keys(repo.labels).length) out.labels = repo.labels;
  const host = REGISTRY_HOST[repo.format];
  if (host) out.registryUri = `${location}-${host}/${project}/${id}`;
  return out;
}

export function operationJson(op: StoredOperation, intEnums: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { name: op.name, metadata: { '@type': METADATA_TYPE }, done: op.done };
  if (op.done && op.error) {
    out.error = op.error;
  } else if (op.done) {
    out.response = op.kind === 'create' ? { '@type': REPOSITORY_TYPE, ...repositoryJson(op.repository, intEnums) } : { '@type': EMPTY_TYPE };
  }
  return out;
}
