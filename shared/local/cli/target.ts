/**
 * Which control plane a command talks to: the local stack of a data directory, or a real
 * project with `--project` (Application Default Credentials). Both are reached through the same
 * production adapters; only the endpoints differ:
 *
 * | | local | --project |
 * | --- | --- | --- |
 * | state store | DIR/state.sqlite | Firestore (`--database`, FIRESTORE_EMULATOR_HOST honoured) |
 * | Pub/Sub | the stack's emulator | Pub/Sub (PUBSUB_EMULATOR_HOST honoured) |
 * | Workflow Executions, callbacks | gcp-sim | workflowexecutions.googleapis.com (STACKCTL_WORKFLOWS_ENDPOINT, loopback only, points it at gcp-sim) |
 */
import type { Command } from 'commander';
import type { PubSub } from '@google-cloud/pubsub';
import type { StateStore } from '../../ports/state-store.ts';
import type { Workflows } from '../../ports/workflows.ts';
import { openLocalStore, requireRunningStack } from './local-state.ts';
import { CliError, UsageError, type GlobalOptions } from './output.ts';

export const WORKFLOWS_API = 'https://workflowexecutions.googleapis.com';
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const REGION = /^[a-z]+-[a-z]+\d$/;

export interface TargetFlags { project?: string; region?: string; database?: string }

export interface ControlPlaneTarget {
  kind: 'local' | 'project';
  projectId: string;
  region: string;
  /** For messages: "the local stack in DIR" or "project P". */
  label: string;
  openStore(): Promise<StateStore>;
  pubsub(): Promise<PubSub>;
  workflows(): Promise<Workflows>;
  /** Where the Workflow Executions REST API (and its callback URLs) answer, with a bearer token. */
  workflowsApi(): Promise<{ baseUrl: string; callbacksUrl: string; token: () => Promise<string> }>;
}

/** Adds --project/--region/--database to a command that can work against a real project. */
export function withTargetOptions(command: Command): Command {
  return command
    .option('--project <id>', 'a real Google Cloud project instead of the local stack (Application Default Credentials)')
    .option('--region <region>', 'with --project: region of the workflows', process.env.STACKCTL_REGION ?? 'us-central1')
    .option('--database <id>', 'with --project: Firestore database of the state store', process.env.FIRESTORE_DATABASE ?? '(default)');
}

function loopback(url: string, name: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${name} must be a URL, got "${url}"`);
  }
  if (parsed.hostname !== '127.0.0.1' && parsed.hostname !== 'localhost') throw new UsageError(`${name} must be a loopback URL (it is for gcp-sim), got "${url}"`);
  return parsed.origin;
}

export function resolveTarget(global: GlobalOptions, flags: TargetFlags): ControlPlaneTarget {
  if (flags.project !== undefined) return projectTarget(flags);
  return localTarget(global.dataDir);
}

function localTarget(dataDir: string): ControlPlaneTarget {
  const stack = () => requireRunningStack(dataDir);
  return {
    kind: 'local',
    get projectId() { return stack().projectId; },
    get region() { return stack().region; },
    label: `the local stack in ${dataDir}`,
    openStore: async () => openLocalStore(dataDir),
    pubsub: async () => {
      const s = stack();
      const [{ PubSub }, { emulatorPubsubOptions }] = await Promise.all([import('@google-cloud/pubsub'), import('../../adapters/local/pubsub-options.ts')]);
      return new PubSub(emulatorPubsubOptions(s.projectId, s.endpoints.pubsubEmulator));
    },
    workflows: async () => {
      const s = stack();
      const [{ GcpWorkflows }, { localSimulatorAuth }] = await Promise.all([import('../../adapters/gcp/workflows.ts'), import('../../adapters/local/local-auth.ts')]);
      return new GcpWorkflows({ projectId: s.projectId, region: s.region, simulatorUrl: s.endpoints.gcpSim, simulatorAuth: localSimulatorAuth() });
    },
    workflowsApi: async () => {
      const s = stack();
      const { LOCAL_TOKEN } = await import('../../adapters/local/local-auth.ts');
      return { baseUrl: s.endpoints.gcpSim, callbacksUrl: s.endpoints.callbacks ?? s.endpoints.gcpSim, token: async () => LOCAL_TOKEN };
    },
  };
}

const ADC_HINT = 'run `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS to a service account key file)';

/**
 * Application Default Credentials, checked once before the first call that needs them, so a
 * missing login is one clear line instead of a client library's failure deep in a request.
 */
function credentialsCheck(projectId: string): () => Promise<void> {
  let checked: Promise<void> | undefined;
  return () => {
    checked ??= (async () => {
      const { PubSub } = await import('@google-cloud/pubsub');
      const auth = new PubSub({ projectId }).auth;
      try {
        await auth.getClient();
        const token = await auth.getAccessToken();
        if (!token) throw new Error('no access token');
      } catch (err) {
        throw new CliError(`no usable Application Default Credentials for project ${projectId}: ${(err as Error).message.split('. ')[0]}`, ADC_HINT);
      }
    })();
    return checked;
  };
}

function projectTarget(flags: TargetFlags): ControlPlaneTarget {
  const projectId = flags.project!;
  if (!PROJECT_ID.test(projectId)) throw new UsageError(`--project must be a Google Cloud project id (6–30 of a-z, 0-9, -), got "${projectId}"`);
  const region = flags.region ?? 'us-central1';
  if (!REGION.test(region)) throw new UsageError(`--region must be a region such as us-central1, got "${region}"`);
  const override = process.env.STACKCTL_WORKFLOWS_ENDPOINT ? loopback(process.env.STACKCTL_WORKFLOWS_ENDPOINT, 'STACKCTL_WORKFLOWS_ENDPOINT') : undefined;
  const credentials = credentialsCheck(projectId);
  return {
    kind: 'project',
    projectId,
    region,
    label: `project ${projectId}`,
    openStore: async () => {
      if (!process.env.FIRESTORE_EMULATOR_HOST) await credentials();
      const { FirestoreStateStore } = await import('../../adapters/gcp/firestore-state-store.ts');
      return new FirestoreStateStore({ projectId, databaseId: flags.database ?? '(default)' });
    },
    pubsub: async () => {
      const { PubSub } = await import('@google-cloud/pubsub');
      const emulator = process.env.PUBSUB_EMULATOR_HOST;
      if (emulator) {
        const { emulatorPubsubOptions } = await import('../../adapters/local/pubsub-options.ts');
        return new PubSub(emulatorPubsubOptions(projectId, emulator));
      }
      await credentials();
      return new PubSub({ projectId });
    },
    workflows: async () => {
      if (!override) await credentials();
      const [{ GcpWorkflows }, { localSimulatorAuth }] = await Promise.all([import('../../adapters/gcp/workflows.ts'), import('../../adapters/local/local-auth.ts')]);
      return new GcpWorkflows({ projectId, region, ...(override ? { simulatorUrl: override, simulatorAuth: localSimulatorAuth() } : {}) });
    },
    workflowsApi: async () => {
      if (override) {
        const { LOCAL_TOKEN } = await import('../../adapters/local/local-auth.ts');
        return { baseUrl: override, callbacksUrl: override, token: async () => LOCAL_TOKEN };
      }
      await credentials();
      // The Workflows client's own GoogleAuth: Application Default Credentials, cloud-platform scope.
      const { ExecutionsClient } = await import('@google-cloud/workflows');
      const client = new ExecutionsClient({ projectId });
      return {
        baseUrl: WORKFLOWS_API,
        callbacksUrl: WORKFLOWS_API,
        token: async () => {
          const token = await client.auth.getAccessToken();
          if (!token) throw new Error('Could not load the default credentials: no access token');
          return token;
        },
      };
    },
  };
}
