/**
 * What remediation may act on. Rendered targets and arguments come from incident labels, which
 * any alert policy author controls; they reach Argo CD URLs and Cloud SQL resource names. So a
 * plan may only name an app or instance the rules file lists, compared as whole strings: a
 * value like `zenml-server/../mlflow` is simply not in the list.
 */
import { z } from 'zod';

/** Argo CD application names are Kubernetes names (DNS-1123 labels). */
const APP_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Cloud SQL instance ids. */
const INSTANCE_NAME = /^[a-z]([a-z0-9-]{0,96}[a-z0-9])?$/;

export const allowSchema = z.strictObject({
  apps: z.array(z.string().regex(APP_NAME, 'must be an Argo CD application name (lower-case letters, digits and -, at most 63)')).default([]),
  instances: z.array(z.string().regex(INSTANCE_NAME, 'must be a Cloud SQL instance id (lower-case letters, digits and -, starting with a letter)')).default([]),
});

export type AllowList = z.infer<typeof allowSchema>;

export class TargetNotAllowedError extends Error {
  override readonly name = 'TargetNotAllowedError';
  constructor(readonly where: string, message: string) {
    super(`${where}: ${message}`);
  }
}

type Kind = 'app' | 'instance';
const LIST: Record<Kind, keyof AllowList> = { app: 'apps', instance: 'instances' };

function check(kind: Kind, value: unknown, allow: AllowList, where: string): void {
  const list = allow[LIST[kind]];
  if (typeof value !== 'string' || !list.includes(value)) {
    throw new TargetNotAllowedError(where, `${kind} ${JSON.stringify(value)} is not in the rules file's allow.${LIST[kind]} (${list.join(', ') || 'none'})`);
  }
}

/** Throws TargetNotAllowedError unless the target and every app/instance argument is allowed. */
export function checkAllowed(ruleName: string, target: string, args: Record<string, unknown>, allow: AllowList): void {
  const colon = target.indexOf(':');
  const kind = target.slice(0, colon);
  if (colon < 0 || !(kind in LIST)) {
    throw new TargetNotAllowedError(`rule ${ruleName} target`, `"${target}" must be app:<name> or instance:<name>`);
  }
  check(kind as Kind, target.slice(colon + 1), allow, `rule ${ruleName} target`);
  for (const kindKey of ['app', 'instance'] as const) {
    if (kindKey in args) check(kindKey, args[kindKey], allow, `rule ${ruleName} args.${kindKey}`);
    const plural = LIST[kindKey];
    if (plural in args) {
      const values = args[plural];
      if (!Array.isArray(values)) throw new TargetNotAllowedError(`rule ${ruleName} args.${plural}`, 'must be a list');
      values.forEach((v, i) => check(kindKey, v, allow, `rule ${ruleName} args.${plural}[${i}]`));
    }
  }
}
