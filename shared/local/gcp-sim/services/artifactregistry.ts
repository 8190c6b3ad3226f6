/**
 * Artifact Registry v1 (https://cloud.google.com/artifact-registry/docs/reference/rest):
 * repositories create/get/list/delete, where create and delete are google.longrunning
 * Operations, and `operations.get`.
 *
 * An operation is done `operationDurationMs` of simulator clock time after it started; its
 * effect (the repository appearing or disappearing) happens at that moment, checked lazily on
 * every request. A second create for an id that exists or is being created is 409.
 */
import type { Router, SimRequest, SimResponse } from '../router.ts';
import { SimError } from '../errors.ts';
import type { SimContext, SimService } from '../service.ts';
import {
  checkLabels, checkRepositoryId, enumName, FORMATS, MODES, operationJson, repositoryJson,
  type StoredOperation, type StoredRepository,
} from './artifactregistry/model.ts';

const MAX_PAGE_SIZE = 1000;
/** Finished operations are kept for inspection, but not without bound. */
const MAX_OPERATIONS = 5000;

export interface ArtifactRegistrySnapshot {
  repositories: StoredRepository[];
  operations: StoredOperation[];
}

/** What repositories.create models; kmsKeyName, cleanupPolicies, dockerConfig, remote/virtual configs… answer 501 (accepts.ts). */
const REPOSITORY_FIELDS = { name: true, format: true, mode: true, labels: true, description: true, createTime: true, updateTime: true } as const;

export class ArtifactRegistrySim implements SimService {
  readonly name = 'artifactregistry';
  private repositories = new Map<string, StoredRepository>();
  private operations = new Map<string, StoredOperation>();
  private ctx!: SimContext;
  private nextFailure: { code: number; message: string } | undefined;

  register(router: Router, ctx: SimContext): void {
    this.ctx = ctx;
    const base = '/v1/projects/{project}/locations/{location}';
    const parent = (p: Record<string, string>) => `projects/${p.project}/locations/${p.location}`;
    router.add('POST', `${base}/repositories`, 'artifactregistry.projects.locations.repositories.create', (r) => this.create(r, parent(r.params)), { query: ['repositoryId'], body: REPOSITORY_FIELDS });
    router.add('GET', `${base}/repositories`, 'artifactregistry.projects.locations.repositories.list', (r) => this.list(r, parent(r.params)), { query: ['pageSize', 'pageToken'] });
    router.add('GET', `${base}/repositories/{repository}`, 'artifactregistry.projects.locations.repositories.get', (r) => this.get(r, `${parent(r.params)}/repositories/${r.params.repository}`), {});
    router.add('DELETE', `${base}/repositories/{repository}`, 'artifactregistry.projects.locations.repositories.delete', (r) => this.remove(r, `${parent(r.params)}/repositories/${r.params.repository}`), {});
    router.add('GET', `${base}/operations/{operation}`, 'artifactregistry.projects.locations.operations.get', (r) => this.getOperation(r, `${parent(r.params)}/operations/${r.params.operation}`), {});
  }

  private intEnums(req: SimRequest): boolean {
    return (req.query.get('$alt') ?? '').includes('enum-encoding=int');
  }

  /** Applies every operation whose time has come. */
  private settle(): void {
    const now = this.ctx.clock.now().getTime();
    for (const op of this.operations.values()) {
      if (op.done || op.doneAt > now) continue;
      op.done = true;
      if (op.error) continue;
      if (op.kind === 'create') this.repositories.set(op.repository.name, op.repository);
      else this.repositories.delete(op.repository.name);
    }
  }

  private pending(name: string, kind: StoredOperation['kind']): StoredOperation | undefined {
    for (const op of this.operations.values()) if (!op.done && op.kind === kind && op.repository.name === name) return op;
    return undefined;
  }

  private startOperation(parent: string, kind: StoredOperation['kind'], repository: StoredRepository): StoredOperation {
    const op: StoredOperation = {
      name: `${parent}/operations/${this.ctx.newId()}`,
      kind,
      repository,
      doneAt: this.ctx.clock.now().getTime() + this.ctx.operationDurationMs,
      done: false,
    };
    if (this.nextFailure) {
      op.error = this.nextFailure;
      this.nextFailure = undefined;
    }
    this.operations.set(op.name, op);
    if (this.operations.size > MAX_OPERATIONS) {
      for (const [name, old] of this.operations) {
        if (this.operations.size <= MAX_OPERATIONS) break;
        if (old.done) this.operations.delete(name);
      }
    }
    this.settle();
    return op;
  }

  private create(req: SimRequest, parent: string): SimResponse {
    this.settle();
    const id = checkRepositoryId(req.query.get('repositoryId'));
    const body = (req.json ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw new SimError(400, 'Invalid JSON payload: the request body must be a Repository.', 'INVALID_ARGUMENT');
    const format = enumName(FORMATS, body.format, 'repository.format', 'FORMAT_UNSPECIFIED');
    if (format === 'FORMAT_UNSPECIFIED') throw new SimError(400, 'Invalid value at repository.format: a repository format (e.g. DOCKER) is required.', 'INVALID_ARGUMENT');
    const mode = enumName(MODES, body.mode, 'repository.mode', 'STANDARD_REPOSITORY');
    const name = `${parent}/repositories/${id}`;
    if (this.repositories.has(name) || this.pending(name, 'create')) throw new SimError(409, 'the repository already exists', 'ALREADY_EXISTS');
    const now = this.ctx.clock.now().toISOString();
    const repository: StoredRepository = {
      name,
      format,
      mode: mode === 'MODE_UNSPECIFIED' ? 'STANDARD_REPOSITORY' : mode,
      labels: checkLabels(body.labels),
      createTime: now,
      updateTime: now,
    };
    if (typeof body.description === 'string' && body.description) repository.description = body.description;
    return { body: operationJson(this.startOperation(parent, 'create', repository), this.intEnums(req)) };
  }

  private repository(name: string): StoredRepository {
    const repo = this.repositories.get(name);
    if (!repo) throw new SimError(404, `Requested entity was not found. (repository ${name})`, 'NOT_FOUND');
    return repo;
  }

  private get(req: SimRequest, name: string): SimResponse {
    this.settle();
    return { body: repositoryJson(this.repository(name), this.intEnums(req)) };
  }

  private list(req: SimRequest, parent: string): SimResponse {
    this.settle();
    if (req.query.get('filter')) throw new SimError(400, `gcp-sim does not implement repositories.list filter [${req.query.get('filter')}].`, 'INVALID_ARGUMENT');
    const rawSize = req.query.get('pageSize');
    const size = rawSize ? Number(rawSize) : MAX_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 0) throw new SimError(400, `Invalid page_size ${rawSize}: expected a non-negative integer.`, 'INVALID_ARGUMENT');
    const all = [...this.repositories.values()].filter((r) => r.name.startsWith(`${parent}/repositories/`)).sort((a, b) => (a.name < b.name ? -1 : 1));
    const token = req.query.get('pageToken');
    const after = token ? Buffer.from(token, 'base64url').toString('utf8') : '';
    const rest = all.filter((r) => r.name > after);
    const page = rest.slice(0, Math.min(size || MAX_PAGE_SIZE, MAX_PAGE_SIZE));
    const intEnums = this.intEnums(req);
    const body: Record<string, unknown> = {};
    if (page.length) body.repositories = page.map((r) => repositoryJson(r, intEnums));
    if (rest.length > page.length) body.nextPageToken = Buffer.from(page.at(-1)!.name).toString('base64url');
    return { body };
  }

  private remove(req: SimRequest, name: string): SimResponse {
    this.settle();
    const repo = this.repository(name);
    const running = this.pending(name, 'delete');
    const parent = name.split('/repositories/')[0]!;
    return { body: operationJson(running ?? this.startOperation(parent, 'delete', repo), this.intEnums(req)) };
  }

  private getOperation(req: SimRequest, name: string): SimResponse {
    this.settle();
    const op = this.operations.get(name);
    if (!op) throw new SimError(404, `Operation ${name} not found.`, 'NOT_FOUND');
    return { body: operationJson(op, this.intEnums(req)) };
  }

  /**
   * Test hook: the next create or delete operation ends with this google.rpc.Status (gRPC code,
   * e.g. 9 FAILED_PRECONDITION or 13 INTERNAL) instead of taking effect.
   */
  failNextOperation(error: { code: number; message: string } = { code: 13, message: 'Internal error encountered.' }): void {
    if (!Number.isInteger(error.code) || error.code < 1 || error.code > 16) throw new Error(`failNextOperation: code must be a gRPC status code 1-16, got ${error.code}`);
    this.nextFailure = { ...error };
  }

  /** Simulator-only: the repositories (full names) and when they were created, for system metrics. */
  repositoryInventory(): Array<{ name: string; createdMs: number }> {
    return [...this.repositories.values()].map((r) => ({ name: r.name, createdMs: Date.parse(r.createTime) || 0 }));
  }

  snapshot(): ArtifactRegistrySnapshot {
    this.settle();
    return { repositories: [...this.repositories.values()].map((r) => structuredClone(r)), operations: [...this.operations.values()].map((o) => structuredClone(o)) };
  }

  restore(snapshot: unknown): void {
    const state = snapshot as ArtifactRegistrySnapshot;
    if (!state || !Array.isArray(state.repositories) || !Array.isArray(state.operations)) throw new Error('artifactregistry snapshot: expected {repositories: [...], operations: [...]}');
    this.repositories = new Map(state.repositories.map((r) => [r.name, structuredClone(r)]));
    this.operations = new Map(state.operations.map((o) => [o.name, structuredClone(o)]));
  }

  summary(): Record<string, number> {
    this.settle();
    let running = 0;
    for (const op of this.operations.values()) if (!op.done) running++;
    return { repositories: this.repositories.size, operations: this.operations.size, operationsRunning: running };
  }
}
