import type { z } from 'zod';

/** `$.spec.storage.retentionDays`, `$.items[0]`: a JSON path a publisher can act on. */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '$';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(part)) out += `.${part}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out;
}

export function formatIssues(issues: ReadonlyArray<z.core.$ZodIssue>): Array<{ path: string; message: string }> {
  return issues.map((issue) => {
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown field(s): ${issue.keys.join(', ')}`;
    return { path: jsonPath(issue.path), message };
  });
}
