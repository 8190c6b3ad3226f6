/**
 * Registry on Artifact Registry v1 through @google-cloud/artifact-registry. Create and delete are
 * long-running operations; they are waited for by polling `operations.get` with the shared
 * bounded, jittered backoff on the injected clock (so tests run in virtual time), not with the
 * client's own timer-based `operation.promise()`. Client-side retries are off: transient failures
 * surface as TransientError and the runtime's redelivery retries (docs/ARCHITECTURE.md, "The
 * handler pipeline", step 5).
 */
import type { ArtifactRegistryClient } from '@google-cloud/artifact-registry';
import type { Clock } from '../../ports/clock.ts';
import type { Registry, Repository, RepositorySpec } from '../../ports/registry.ts';
import { PermanentError } from '../../runtime/errors.ts';
import { callApi, isNotFound, toControlPlaneError } from './common/errors.ts';
import { exportOf, gaxClient, gaxClientOptions, type GcpEndpointConfig } from './common/endpoint.ts';
import { readOperation, waitUntil, type WaitPolicy } from './common/wait.ts';
import { timestampToDate } from './secrets/timestamp.ts';

/** No in-client retries: one retry policy, the runtime's. */
const CALL = { retry: { retryCodes: [] as number[] } };
const FORMAT_NAMES: Record<string | number, string> = { DOCKER: 'DOCKER', 1: 'DOCKER' };
const REPOSITORY_ID = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const LOCATION = /^[a-z]+(-[a-z0-9]+)*$/;

export interface GcpRegistryOptions {
  /** How long to wait for a create/delete operation; defaults to the shared policy. */
  wait?: Partial<WaitPolicy>;
}

interface OperationLike { name?: string | null; done?: boolean | null; error?: { code?: number | null; message?: string | null } | null }

export class GcpRegistry implements Registry {
  private readonly client: () => Promise<ArtifactRegistryClient>;
  private readonly wait: Partial<WaitPolicy>;

  constructor(private readonly config: GcpEndpointConfig, private readonly clock: Clock, options: GcpRegistryOptions = {}) {
    this.wait = { timeoutMs: 10 * 60_000, initialDelayMs: 500, maxDelayMs: 10_000, ...options.wait };
    // Built now so a bad endpoint configuration fails at construction, not as a retried call.
    const clientOptions = gaxClientOptions(config);
    this.client = gaxClient('artifactregistry', async () => {
      const Client = exportOf(await import('@google-cloud/artifact-registry'), 'ArtifactRegistryClient');
      return new Client(clientOptions as ConstructorParameters<typeof Client>[0]);
    });
  }

  private parent(location: string): string {
    if (!LOCATION.test(location)) throw new PermanentError(`Artifact Registry location "${location}" is invalid (expected e.g. "europe-west1")`, { where: 'registry.location' });
    return `projects/${this.config.projectId}/locations/${location}`;
  }

  private repositoryName(location: string, id: string): string {
    if (!REPOSITORY_ID.test(id)) {
      throw new PermanentError(`repository id "${id}" is invalid: lowercase letters, digits and hyphens, starting with a letter, at most 63 characters`, { where: 'registry.repositoryId' });
    }
    return `${this.parent(location)}/repositories/${id}`;
  }

  async getRepository(location: string, id: string): Promise<Repository | null> {
    const name = this.repositoryName(location, id);
    try {
      const [repo] = await callApi(`artifactregistry.getRepository ${name}`, async () => (await this.client()).getRepository({ name }, CALL));
      return toRepository(repo);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async listRepositories(location: string): Promise<Repository[]> {
    const parent = this.parent(location);
    return callApi(`artifactregistry.listRepositories ${parent}`, async () => {
      const out: Repository[] = [];
      for await (const repo of (await this.client()).listRepositoriesAsync({ parent }, { ...CALL, autoPaginate: false })) out.push(toRepository(repo));
      return out;
    });
  }

  async createRepository(spec: RepositorySpec): Promise<Repository> {
    const parent = this.parent(spec.location);
    const name = this.repositoryName(spec.location, spec.id);
    const where = `artifactregistry.createRepository ${name}`;
    const [operation] = await callApi(where, async () => (await this.client()).createRepository({
      parent,
      repositoryId: spec.id,
      repository: { format: spec.format, description: spec.description ?? '', labels: spec.labels },
    }, CALL));
    await this.awaitOperation(where, operation);
    // The operation's response is the Repository; reading it back avoids decoding the Any by hand.
    const repo = await this.getRepository(spec.location, spec.id);
    if (!repo) throw new PermanentError(`${where}: the operation finished but the repository does not exist`, { where });
    return repo;
  }

  async deleteRepository(location: string, id: string): Promise<void> {
    const name = this.repositoryName(location, id);
    const where = `artifactregistry.deleteRepository ${name}`;
    let operation: OperationLike;
    try {
      [operation] = await callApi(where, async () => (await this.client()).deleteRepository({ name }, CALL));
    } catch (err) {
      // Already gone counts as deleted, so a redelivered request does not fail on finished work.
      if (isNotFound(err)) return;
      throw err;
    }
    await this.awaitOperation(where, operation);
  }

  /**
   * Polls google.longrunning operations.get directly (the client's checkXProgress helpers retry
   * UNAVAILABLE on real timers); an operation that ends with `error` is classified by its code.
   */
  private async awaitOperation(where: string, first: OperationLike): Promise<void> {
    const opName = first.name;
    if (!opName) throw new PermanentError(`${where}: the API returned an operation without a name`, { where });
    const finished = (op: OperationLike) => {
      if (op.error) throw toControlPlaneError({ code: op.error.code, message: op.error.message ?? 'operation failed' }, `${where} (operation ${opName})`);
    };
    if (first.done) return finished(first);
    await waitUntil(`${where} (operation ${opName})`, this.clock, async () => {
      const [op] = await readOperation(() => callApi(`${where} (polling ${opName})`, async () => (await this.client()).operationsClient.getOperation(getOperationRequest(opName), CALL)));
      if (!op.done) return { done: false };
      finished(op);
      return { done: true, value: undefined };
    }, this.wait);
  }
}

/** The typings want the generated message class; the REST transport only reads `name`. */
function getOperationRequest(name: string): Parameters<ArtifactRegistryClient['operationsClient']['getOperation']>[0] {
  return { name } as Parameters<ArtifactRegistryClient['operationsClient']['getOperation']>[0];
}

interface RepositoryMessage {
  name?: string | null;
  format?: unknown;
  description?: string | null;
  labels?: Record<string, string> | null;
  createTime?: unknown;
}

function toRepository(repo: RepositoryMessage): Repository {
  const name = repo.name ?? '';
  const [, , , location = '', , id = ''] = name.split('/');
  const format = FORMAT_NAMES[String(repo.format)];
  if (format !== 'DOCKER') throw new PermanentError(`artifactregistry: repository ${name} has format ${String(repo.format)}; this control plane manages DOCKER repositories only`, { where: 'artifactregistry.repository.format' });
  const out: Repository = { name, id, location, format, labels: { ...(repo.labels ?? {}) } };
  if (repo.description) out.description = repo.description;
  const created = timestampToDate(repo.createTime);
  if (created) out.createTime = created;
  return out;
}
