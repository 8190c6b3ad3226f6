/** Argo CD's application API, in domain terms. */
export type SyncStatus = 'Synced' | 'OutOfSync' | 'Unknown';
export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';
export type OperationPhase = 'Running' | 'Terminating' | 'Failed' | 'Error' | 'Succeeded';

export interface ArgoApplication {
  name: string;
  syncStatus: SyncStatus;
  healthStatus: HealthStatus;
  operationPhase?: OperationPhase;
  /** The revision currently synced. */
  revision: string;
  history: Array<{ id: number; revision: string; deployedAt?: Date }>;
}

export interface ArgoCd {
  getApplication(name: string): Promise<ArgoApplication>;
  /** Starts a sync; a sync already running surfaces as a TransientError. */
  sync(name: string, options?: { revision?: string }): Promise<void>;
}
