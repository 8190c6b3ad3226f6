/**
 * Resource names of a workspace. The workspace pattern keeps every name legal, but two
 * limits bite at the long end: MySQL user names hold at most 32 characters and bucket names
 * at most 63. Past a limit the name is shortened deterministically and made unique again with
 * a short hash of the full name, so the same workspace always maps to the same resources.
 */
import { createHash } from 'node:crypto';

export const MYSQL_USER_MAX = 32;
export const MYSQL_DATABASE_MAX = 64;
export const BUCKET_MAX = 63;

export interface WorkspaceNames {
  database: string;
  user: string;
  secret: string;
  bucket: string;
  repository: string;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 6);
}

function fit(full: string, max: number, suffix = ''): string {
  if (full.length + suffix.length <= max) return full + suffix;
  const hash = shortHash(full + suffix);
  const keep = max - suffix.length - hash.length - 1;
  return `${full.slice(0, keep).replace(/[-_]+$/, '')}-${hash}${suffix}`.replace(/^-/, '');
}

export function workspaceNames(projectId: string, workspace: string): WorkspaceNames {
  const underscored = `ws_${workspace.replace(/-/g, '_')}`;
  return {
    database: fit(underscored, MYSQL_DATABASE_MAX),
    user: fit(underscored, MYSQL_USER_MAX).replace(/-/g, '_'),
    secret: `ws-${workspace}-db`,
    bucket: fit(`${projectId}-ws-${workspace}`, BUCKET_MAX, '-artifacts'),
    repository: `ws-${workspace}`,
  };
}
