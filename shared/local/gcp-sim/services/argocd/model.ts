/**
 * Argo CD Application (argoproj.io/v1alpha1) as the sim keeps it, and the seeded apps.
 * Field names follow the Application CRD's JSON (status.sync, status.health,
 * status.operationState, status.history[]).
 */
export type SimSyncOutcome = 'succeed' | 'fail' | 'degrade';

export interface HistoryEntry { id: number; revision: string; deployedAt: string; deployStartedAt: string; source: AppSource }
export interface AppSource { repoURL: string; path: string; targetRevision: string; helm?: { parameters: Array<{ name: string; value: string }> } }

export interface RunningOperation {
  revision: string;
  prune: boolean;
  dryRun: boolean;
  startedAt: string;
  completesAtMs: number;
  outcome: SimSyncOutcome;
  /** Health before the sync, so a dry run leaves it as it was. */
  healthBefore: string;
}

export interface SimApplication {
  name: string;
  namespace: string;
  project: string;
  source: AppSource;
  destination: { server: string; namespace: string };
  /** What HEAD of targetRevision resolves to (the sim has no git). */
  headRevision: string;
  syncStatus: 'Synced' | 'OutOfSync' | 'Unknown';
  syncedRevision: string;
  health: 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';
  healthMessage?: string;
  operation?: RunningOperation;
  operationState?: {
    phase: 'Running' | 'Succeeded' | 'Failed' | 'Error' | 'Terminating';
    message: string;
    startedAt: string;
    finishedAt?: string;
    revision: string;
    dryRun: boolean;
    prune: boolean;
  };
  history: HistoryEntry[];
  /** Simulator-only: what the next sync will do. */
  nextSyncOutcome: SimSyncOutcome;
}

const REPO = 'https://github.com/example-org/zenml-stack-deploy.git';

function seedApp(name: string, revisions: string[], startMs: number): SimApplication {
  const source = { repoURL: REPO, path: `apps/${name}`, targetRevision: 'HEAD' };
  const history = revisions.map((revision, i) => {
    const deployedMs = startMs + i * 86_400_000;
    return { id: i, revision, deployStartedAt: new Date(deployedMs - 45_000).toISOString(), deployedAt: new Date(deployedMs).toISOString(), source };
  });
  const current = revisions.at(-1)!;
  return {
    name,
    namespace: 'argocd',
    project: 'default',
    source,
    destination: { server: 'https://kubernetes.default.svc', namespace: name },
    headRevision: current,
    syncStatus: 'Synced',
    syncedRevision: current,
    health: 'Healthy',
    history,
    operationState: {
      phase: 'Succeeded', message: 'successfully synced (all tasks run)', startedAt: history.at(-1)!.deployStartedAt,
      finishedAt: history.at(-1)!.deployedAt, revision: current, dryRun: false, prune: false,
    },
    nextSyncOutcome: 'succeed',
  };
}

/** Two apps of the stack, each deployed three times over the days before `now`. */
export function seedApplications(now: Date): SimApplication[] {
  const start = now.getTime() - 3 * 86_400_000;
  return [
    seedApp('zenml-server', [
      '4b1f6c2a9d0e8f7b6a5c4d3e2f1a0b9c8d7e6f5a',
      '9c2e7a1b5d4f3e2a1b0c9d8e7f6a5b4c3d2e1f0a',
      'e3a9d1c7b5f2e4a6c8b0d2f4a6c8e0b2d4f6a8c0',
    ], start),
    seedApp('mlflow', [
      '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
      '7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e',
      'c0ffee1234567890abcdef1234567890abcdef12',
    ], start),
  ];
}

/** The Application JSON the Argo CD API returns. */
export function applicationJson(app: SimApplication): unknown {
  return {
    metadata: { name: app.name, namespace: app.namespace },
    spec: { project: app.project, source: app.source, destination: app.destination },
    status: {
      sync: { status: app.syncStatus, revision: app.syncedRevision, comparedTo: { source: app.source, destination: app.destination } },
      health: { status: app.health, ...(app.healthMessage ? { message: app.healthMessage } : {}) },
      ...(app.operationState ? {
        operationState: {
          operation: { sync: { revision: app.operationState.revision, prune: app.operationState.prune, dryRun: app.operationState.dryRun } },
          phase: app.operationState.phase,
          message: app.operationState.message,
          startedAt: app.operationState.startedAt,
          ...(app.operationState.finishedAt ? { finishedAt: app.operationState.finishedAt } : {}),
          ...(app.operationState.phase === 'Running' ? {} : { syncResult: { revision: app.operationState.revision, source: app.source } }),
        },
      } : {}),
      history: app.history,
      sourceType: 'Kustomize',
    },
  };
}
