/**
 * What scaling a stack down to save money acts through: Argo CD parameter overrides on the apps,
 * and Cloud SQL's activation policy. Each call returns what it replaced, so it can be undone.
 */
export interface AppParameters {
  /** Sets (or, for null, removes) Helm parameter overrides; returns the previous override of each (null: none). */
  setHelmParameters(app: string, changes: Record<string, string | null>): Promise<Record<string, string | null>>;
}

export type ActivationPolicy = 'ALWAYS' | 'NEVER' | 'ON_DEMAND';

export interface SqlActivation {
  /** Sets settings.activationPolicy and waits for the operation; returns the previous policy. */
  setActivationPolicy(instance: string, policy: ActivationPolicy): Promise<ActivationPolicy>;
}
