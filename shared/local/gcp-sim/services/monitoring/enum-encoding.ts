/**
 * Enum fields on the REST surface: google-gax sends `$alt=json;enum-encoding=int` and then
 * expects integers back; other callers (curl, the workflow engine's connectors) get names.
 * Requests may carry either form.
 * Lives with the Monitoring sim; the Billing Catalog and Workflow Executions sims use it too.
 */
import type { SimRequest } from '../../router.ts';
import { invalid } from '../../errors.ts';

export function wantsIntEnums(req: SimRequest): boolean {
  return /enum-encoding=int/.test(req.query.get('$alt') ?? '');
}

export class EnumType<N extends string> {
  private readonly byNumber = new Map<number, N>();

  constructor(readonly typeName: string, private readonly values: Readonly<Record<N, number>>) {
    for (const [name, num] of Object.entries(values) as Array<[N, number]>) this.byNumber.set(num, name);
  }

  /** Accepts a name or its number; undefined stays undefined; anything else is a 400 naming the field. */
  parse(raw: unknown, field: string): N | undefined {
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw === 'number' && this.byNumber.has(raw)) return this.byNumber.get(raw);
    if (typeof raw === 'string' && /^\d+$/.test(raw) && this.byNumber.has(Number(raw))) return this.byNumber.get(Number(raw));
    if (typeof raw === 'string' && raw in this.values) return raw as N;
    throw invalid(`Invalid value at '${field}' (type.googleapis.com/${this.typeName}), ${JSON.stringify(raw)}`);
  }

  encode(name: N, asInt: boolean): string | number {
    return asInt ? this.values[name] : name;
  }
}
