/**
 * Secret Manager v1 (https://cloud.google.com/secret-manager/docs/reference/rest/v1): secrets
 * create/get/list/delete, versions add/get/list/access/enable/disable/destroy, under both the
 * global `projects/{p}/secrets` and the regional `projects/{p}/locations/{l}/secrets` parents.
 *
 * Behaviour that callers depend on, as documented:
 * - `versions/latest` is an alias to the most recently created version, whatever its state, so
 *   accessing `latest` after the newest version was disabled fails with FAILED_PRECONDITION.
 * - `payload.dataCrc32c`, when sent with addVersion, is verified; one is computed otherwise, and
 *   access always returns it.
 * - DESTROYED is terminal: the payload is gone and enable/disable are refused.
 */
import { createHash } from 'node:crypto';
import { unimplemented, type Accepts } from '../accepts.ts';
import { SimError } from '../errors.ts';
import type { Router, SimRequest } from '../router.ts';
import type { SimContext, SimService } from '../service.ts';
import { crc32c } from '../../../adapters/gcp/secrets/crc32c.ts';
import {
  checkLabels, checkSecretId, paginate, secretJson, versionJson, wantsIntEnums,
  type SecretManagerState, type StoredSecret, type StoredVersion, type VersionState,
} from './secretmanager/model.ts';

const MAX_PAGE_SIZE = 25_000;

// What each method models (see accepts.ts); ttl, rotation, topics, versionAliases, expireTime… answer 501.
const SECRET_FIELDS = { name: true, createTime: true, etag: true, labels: true, annotations: true, replication: true } as const;
const NO_BODY: Accepts = {};
const CREATE: Accepts = { query: ['secretId'], body: SECRET_FIELDS };
const LIST: Accepts = { query: ['pageSize', 'pageToken'] };
const LIST_VERSIONS: Accepts = { query: ['pageSize', 'pageToken', 'filter'] };
const DELETE: Accepts = { query: ['etag'] };
const PATCH: Accepts = { query: ['updateMask'], body: SECRET_FIELDS };
/** The update_mask paths secrets.patch models; replication is immutable in the API itself. */
const PATCHABLE = new Set(['labels', 'annotations']);
const TRANSITION: Accepts = { body: { name: true, etag: true } };
const ADD_VERSION: Accepts = { body: { parent: true, payload: { data: true, dataCrc32c: true } } };

export class SecretManagerSim implements SimService {
  readonly name = 'secretmanager';
  private secrets = new Map<string, StoredSecret>();
  private ctx!: SimContext;

  register(router: Router, ctx: SimContext): void {
    this.ctx = ctx;
    const parents = [
      { prefix: '/v1/projects/{project}', id: 'secretmanager.projects.secrets', parent: (p: Record<string, string>) => `projects/${p.project}` },
      { prefix: '/v1/projects/{project}/locations/{location}', id: 'secretmanager.projects.locations.secrets', parent: (p: Record<string, string>) => `projects/${p.project}/locations/${p.location}` },
    ];
    for (const { prefix, id, parent } of parents) {
      const secretName = (p: Record<string, string>) => `${parent(p)}/secrets/${p.secret}`;
      const base = `${prefix}/secrets`;
      // Custom-verb routes first: a plain `{version}` segment would otherwise swallow ":access".
      router.add('GET', `${base}/{secret}/versions/{version}:access`, `${id}.versions.access`, (r) => this.access(r, secretName(r.params)), NO_BODY);
      router.add('POST', `${base}/{secret}/versions/{version}:disable`, `${id}.versions.disable`, (r) => this.transition(r, secretName(r.params), 'DISABLED'), TRANSITION);
      router.add('POST', `${base}/{secret}/versions/{version}:enable`, `${id}.versions.enable`, (r) => this.transition(r, secretName(r.params), 'ENABLED'), TRANSITION);
      router.add('POST', `${base}/{secret}/versions/{version}:destroy`, `${id}.versions.destroy`, (r) => this.transition(r, secretName(r.params), 'DESTROYED'), TRANSITION);
      router.add('POST', `${base}/{secret}:addVersion`, `${id}.addVersion`, (r) => this.addVersion(r, secretName(r.params)), ADD_VERSION);
      router.add('GET', `${base}/{secret}/versions/{version}`, `${id}.versions.get`, (r) => this.getVersion(r, secretName(r.params)), NO_BODY);
      router.add('GET', `${base}/{secret}/versions`, `${id}.versions.list`, (r) => this.listVersions(r, secretName(r.params)), LIST_VERSIONS);
      router.add('POST', base, `${id}.create`, (r) => this.create(r, parent(r.params)), CREATE);
      router.add('GET', base, `${id}.list`, (r) => this.list(r, parent(r.params)), LIST);
      router.add('GET', `${base}/{secret}`, `${id}.get`, (r) => ({ body: secretJson(this.secret(secretName(r.params))) }), NO_BODY);
      router.add('DELETE', `${base}/{secret}`, `${id}.delete`, (r) => this.remove(r, secretName(r.params)), DELETE);
      router.add('PATCH', `${base}/{secret}`, `${id}.patch`, (r) => this.patch(r, secretName(r.params)), PATCH);
    }
  }

  private now(): string {
    return this.ctx.clock.now().toISOString();
  }

  private etag(): string {
    return `"${createHash('sha1').update(this.ctx.newId()).digest('hex').slice(0, 14)}"`;
  }

  private secret(name: string): StoredSecret {
    const secret = this.secrets.get(name);
    if (!secret) throw new SimError(404, `Secret [${name}] not found.`, 'NOT_FOUND');
    return secret;
  }

  private version(secret: StoredSecret, id: string): StoredVersion {
    if (id === 'latest') {
      const newest = secret.versions.at(-1);
      if (!newest) throw new SimError(404, `Secret [${secret.name}] not found or has no versions.`, 'NOT_FOUND');
      return newest;
    }
    if (!/^[1-9][0-9]*$/.test(id)) throw new SimError(400, `Invalid secret version [${id}]: expected a positive version number or "latest".`, 'INVALID_ARGUMENT');
    const found = secret.versions.find((v) => v.number === Number(id));
    if (!found) throw new SimError(404, `Secret Version [${secret.name}/versions/${id}] not found.`, 'NOT_FOUND');
    return found;
  }

  private checkEtag(req: SimRequest, current: string, what: string): void {
    const etag = (req.json as { etag?: unknown } | undefined)?.etag ?? req.query.get('etag');
    if (typeof etag === 'string' && etag !== '' && etag !== current) {
      throw new SimError(400, `The etag provided for ${what} does not match its current etag.`, 'FAILED_PRECONDITION');
    }
  }

  private create(req: SimRequest, parent: string) {
    const id = checkSecretId(req.query.get('secretId'));
    const body = (req.json ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw new SimError(400, 'Invalid JSON payload: the request body must be a Secret object.', 'INVALID_ARGUMENT');
    const name = `${parent}/secrets/${id}`;
    const regional = parent.includes('/locations/');
    if (!regional && (body.replication === undefined || body.replication === null)) {
      throw new SimError(400, 'Secret.replication is required: set replication.automatic or replication.userManaged.', 'INVALID_ARGUMENT');
    }
    if (this.secrets.has(name)) throw new SimError(409, `Secret [${name}] already exists.`, 'ALREADY_EXISTS');
    const secret: StoredSecret = {
      name,
      createTime: this.now(),
      labels: checkLabels(body.labels, 'secret.labels'),
      annotations: checkAnnotations(body.annotations),
      replication: regional ? undefined : body.replication,
      etag: this.etag(),
      versions: [],
    };
    this.secrets.set(name, secret);
    return { body: secretJson(secret) };
  }

  private list(req: SimRequest, parent: string) {
    const all = [...this.secrets.values()].filter((s) => s.name.startsWith(`${parent}/secrets/`) && s.name.split('/').length === parent.split('/').length + 2);
    const { page, nextPageToken } = paginate(all, req.query, MAX_PAGE_SIZE);
    const body: Record<string, unknown> = { totalSize: all.length };
    if (page.length) body.secrets = page.map(secretJson);
    if (nextPageToken) body.nextPageToken = nextPageToken;
    return { body };
  }

  /** secrets.patch: the fields named by update_mask are replaced (labels, annotations); the etag, when sent, must match. */
  private patch(req: SimRequest, name: string) {
    const secret = this.secret(name);
    const mask = (req.query.get('updateMask') ?? '').split(',').map((f) => f.trim()).filter(Boolean);
    if (!mask.length) throw new SimError(400, 'update_mask is required: name the fields to update (labels, annotations).', 'INVALID_ARGUMENT');
    const body = (req.json ?? {}) as Record<string, unknown>;
    const unmodelled = mask.find((f) => !PATCHABLE.has(f));
    if (unmodelled === 'replication') throw new SimError(400, 'Secret.replication cannot be updated.', 'INVALID_ARGUMENT');
    if (unmodelled) throw unimplemented(`update_mask path "${unmodelled}" of secrets.patch; only labels and annotations are modelled.`);
    this.checkEtag(req, secret.etag, `Secret [${name}]`);
    const labels = mask.includes('labels') ? checkLabels(body.labels, 'secret.labels') : secret.labels;
    const annotations = mask.includes('annotations') ? checkAnnotations(body.annotations) : secret.annotations;
    secret.labels = labels;
    secret.annotations = annotations;
    secret.etag = this.etag();
    return { body: secretJson(secret) };
  }

  private remove(req: SimRequest, name: string) {
    const secret = this.secret(name);
    this.checkEtag(req, secret.etag, `Secret [${name}]`);
    this.secrets.delete(name);
    return { body: {} };
  }

  private addVersion(req: SimRequest, name: string) {
    const secret = this.secret(name);
    const payload = (req.json as { payload?: { data?: unknown; dataCrc32c?: unknown } } | undefined)?.payload;
    if (!payload || typeof payload !== 'object') throw new SimError(400, 'The request is missing the required field payload.', 'INVALID_ARGUMENT');
    const rawData = payload.data ?? '';
    if (typeof rawData !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(rawData)) {
      throw new SimError(400, "Invalid value at 'payload.data' (TYPE_BYTES): expected base64-encoded bytes.", 'INVALID_ARGUMENT');
    }
    const data = Buffer.from(rawData, 'base64');
    if (data.length > 64 * 1024) throw new SimError(400, `Secret payload is ${data.length} bytes; the maximum is 65536.`, 'INVALID_ARGUMENT');
    const computed = String(crc32c(data));
    const sent = payload.dataCrc32c;
    if (sent !== undefined && sent !== null) {
      if (String(sent) !== computed) {
        throw new SimError(400, `Data integrity check failed: payload.data_crc32c (${String(sent)}) does not match the CRC32C of payload.data (${computed}).`, 'INVALID_ARGUMENT');
      }
    }
    const version: StoredVersion = {
      number: (secret.versions.at(-1)?.number ?? 0) + 1,
      createTime: this.now(),
      state: 'ENABLED',
      data: data.toString('base64'),
      dataCrc32c: computed,
      clientSpecifiedPayloadChecksum: sent !== undefined && sent !== null,
      etag: this.etag(),
    };
    secret.versions.push(version);
    return { body: versionJson(secret, version, wantsIntEnums(req.query)) };
  }

  private getVersion(req: SimRequest, name: string) {
    const secret = this.secret(name);
    return { body: versionJson(secret, this.version(secret, req.params.version!), wantsIntEnums(req.query)) };
  }

  private listVersions(req: SimRequest, name: string) {
    const secret = this.secret(name);
    const filter = req.query.get('filter') ?? '';
    const stateFilter = /^state\s*[:=]\s*(ENABLED|DISABLED|DESTROYED)$/i.exec(filter.trim());
    if (filter.trim() && !stateFilter) throw new SimError(400, `Unsupported filter [${filter}]: gcp-sim understands only "state:ENABLED|DISABLED|DESTROYED".`, 'INVALID_ARGUMENT');
    // Newest first, as the API lists them.
    const all = [...secret.versions].reverse().filter((v) => !stateFilter || v.state === stateFilter[1]!.toUpperCase());
    const { page, nextPageToken } = paginate(all, req.query, MAX_PAGE_SIZE);
    const intEnums = wantsIntEnums(req.query);
    const body: Record<string, unknown> = { totalSize: all.length };
    if (page.length) body.versions = page.map((v) => versionJson(secret, v, intEnums));
    if (nextPageToken) body.nextPageToken = nextPageToken;
    return { body };
  }

  private access(req: SimRequest, name: string) {
    const secret = this.secret(name);
    const version = this.version(secret, req.params.version!);
    const versionName = `${secret.name}/versions/${version.number}`;
    if (version.state !== 'ENABLED') throw new SimError(400, `Secret Version [${versionName}] is in ${version.state} state.`, 'FAILED_PRECONDITION');
    return { body: { name: versionName, payload: { data: version.data ?? '', dataCrc32c: version.dataCrc32c } } };
  }

  private transition(req: SimRequest, name: string, target: VersionState) {
    const secret = this.secret(name);
    const version = this.version(secret, req.params.version!);
    const versionName = `${secret.name}/versions/${version.number}`;
    this.checkEtag(req, version.etag, `Secret Version [${versionName}]`);
    if (version.state === 'DESTROYED' && target !== 'DESTROYED') {
      throw new SimError(400, `Secret Version [${versionName}] is in DESTROYED state.`, 'FAILED_PRECONDITION');
    }
    if (version.state !== target) {
      version.state = target;
      version.etag = this.etag();
      if (target === 'DESTROYED') {
        version.destroyTime = this.now();
        delete version.data;
      }
    }
    return { body: versionJson(secret, version, wantsIntEnums(req.query)) };
  }

  /** In-process view for other simulators and tests: the payload of a version, or undefined. */
  payload(name: string, version = 'latest'): Buffer | undefined {
    const secret = this.secrets.get(name);
    if (!secret) return undefined;
    const found = version === 'latest' ? secret.versions.at(-1) : secret.versions.find((v) => v.number === Number(version));
    return found?.data === undefined || found.state !== 'ENABLED' ? undefined : Buffer.from(found.data, 'base64');
  }

  snapshot(): SecretManagerState {
    return { secrets: [...this.secrets.values()].map((s) => structuredClone(s)) };
  }

  restore(snapshot: unknown): void {
    const state = snapshot as SecretManagerState;
    if (!state || !Array.isArray(state.secrets)) throw new Error('secretmanager snapshot: expected {secrets: [...]}');
    this.secrets = new Map(state.secrets.map((s) => [s.name, structuredClone(s)]));
  }

  summary(): Record<string, number> {
    let versions = 0;
    for (const s of this.secrets.values()) versions += s.versions.length;
    return { secrets: this.secrets.size, versions };
  }
}

function checkAnnotations(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw) || Object.values(raw).some((v) => typeof v !== 'string')) {
    throw new SimError(400, "Invalid value at 'secret.annotations': expected a map of string to string.", 'INVALID_ARGUMENT');
  }
  return { ...(raw as Record<string, string>) };
}
