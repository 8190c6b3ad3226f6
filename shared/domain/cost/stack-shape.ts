/**
 * What the stack asks the cloud for, shared by the cost estimate (before it exists) and gcp-sim's
 * system metrics (while it runs), so both price the same workload: the Autopilot requests of the
 * stack's apps, and the cores and memory of a Cloud SQL machine tier.
 */

/** Per-replica requests of the stack's apps on Autopilot (their Helm values), and default replicas. */
export const STACK_APPS = [
  { app: 'zenml-server', namespace: 'zenml', cpu: 1, memoryGiB: 2, replicas: 1 },
  { app: 'mlflow', namespace: 'mlflow', cpu: 0.5, memoryGiB: 1, replicas: 1 },
  { app: 'argocd', namespace: 'argocd', cpu: 0.75, memoryGiB: 1.5, replicas: 1 },
] as const;

/** Cores and memory (GiB) of a Cloud SQL machine tier; null for a tier this table does not know. */
export function sqlTierShape(tier: string): { cores: number; memoryGiB: number } | null {
  const custom = /^db-custom-(\d+)-(\d+)$/.exec(tier);
  if (custom) return { cores: Number(custom[1]), memoryGiB: Number(custom[2]) / 1024 };
  const n1 = /^db-n1-(standard|highmem)-(\d+)$/.exec(tier);
  if (n1) return { cores: Number(n1[2]), memoryGiB: Number(n1[2]) * (n1[1] === 'standard' ? 3.75 : 6.5) };
  if (tier === 'db-g1-small') return { cores: 1, memoryGiB: 1.7 };
  if (tier === 'db-f1-micro') return { cores: 1, memoryGiB: 0.6 };
  return null;
}
