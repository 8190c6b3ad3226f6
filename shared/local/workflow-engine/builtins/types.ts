/** What the blocking and system functions (sys.*, http.*, events.*, googleapis.*) get from the engine. */
import type { Clock } from '../../../ports/clock.ts';
import type { Limits } from '../limits.ts';
import type { WfValue } from '../values.ts';
import type { CallbackHost } from './callback-host.ts';

export interface ExecutionIdentity {
  projectId: string;
  projectNumber: string;
  location: string;
  workflowId: string;
  revisionId: string;
  executionId: string;
}

export interface BuiltinContext {
  clock: Clock;
  fetch: typeof fetch;
  limits: Limits;
  identity: ExecutionIdentity;
  /** Built-in GOOGLE_CLOUD_* variables plus the user-defined ones. */
  env: ReadonlyMap<string, string>;
  log(severity: string, payload: WfValue): void;
  /** The loopback server that receives callbacks; started on first use. */
  callbacks(): Promise<CallbackHost>;
  /** Base URL of the Google APIs for connectors (gcp-sim locally); undefined means the real https://<service>.googleapis.com. */
  connectorBaseUrl?: string;
  /** Bearer token for connector calls against real Google APIs. */
  tokenProvider?: () => Promise<string>;
  signal?: AbortSignal;
  /**
   * Service Directory as the execution sees it: a service name (what an http.* call passes as
   * `private_service_name`) to the origin its endpoint answers on. Undefined means a flat network:
   * such a call goes to its URL as written.
   */
  privateServices?: ReadonlyMap<string, string>;
}

export interface Builtin {
  /** Parameter names in positional order (expression calls pass positionally, call steps by name). */
  readonly params: readonly string[];
  /** How many leading params are required. */
  readonly required: number;
  call(args: ReadonlyMap<string, WfValue>, ctx: BuiltinContext): Promise<WfValue> | WfValue;
}
