/**
 * Who a resource's cost belongs to: a component of the stack and a workspace (or `shared`).
 * Namespaces, repositories and buckets follow the names the provisioning flow gives a
 * workspace (`ws-<workspace>`); a bucket's `workspace` label wins over its name.
 */

export const SHARED = 'shared';

/** The stack's own namespaces on the Autopilot cluster, by component. */
const NAMESPACE_COMPONENTS: Readonly<Record<string, string>> = {
  zenml: 'zenml-server',
  'zenml-server': 'zenml-server',
  mlflow: 'mlflow',
  argocd: 'argocd',
};

const WORKSPACE_PREFIX = /^ws-([a-z][a-z0-9-]{1,28}[a-z0-9])$/;

export interface Allocation {
  component: string;
  workspace: string;
}

export function allocateNamespace(namespace: string): Allocation {
  const ws = WORKSPACE_PREFIX.exec(namespace);
  if (ws) return { component: 'pipelines', workspace: ws[1]! };
  return { component: NAMESPACE_COMPONENTS[namespace] ?? 'gke-system', workspace: SHARED };
}

export function allocateRepository(repositoryId: string): Allocation {
  const ws = WORKSPACE_PREFIX.exec(repositoryId);
  return { component: 'artifact-registry', workspace: ws ? ws[1]! : SHARED };
}

export function allocateBucket(bucket: string, labels: Readonly<Record<string, string>> | undefined): Allocation {
  const labelled = labels?.workspace;
  if (labelled) return { component: 'cloud-storage', workspace: labelled };
  const ws = /-ws-([a-z][a-z0-9-]{1,28}[a-z0-9])-artifacts$/.exec(bucket);
  return { component: 'cloud-storage', workspace: ws ? ws[1]! : SHARED };
}
