/**
 * Cloud SQL Admin is served under two bases with the same resources: `/v1/...` (what
 * @google-cloud/sql and the `googleapis.sqladmin.v1` connectors call) and `/sql/v1beta4/...`
 * (the `googleapis.sqladmin.v1beta4` connectors and older clients). One handler serves both.
 */
import { SQL_ACCEPTS } from './accepts.ts';
import type { Router, SimHandler } from '../../router.ts';

export type AddRoute = (method: string, suffix: string, id: string, handler: SimHandler) => void;

export const BASES = ['/v1', '/sql/v1beta4'] as const;

export function routeAdder(router: Router, before: () => void): AddRoute {
  return (method, suffix, id, handler) => {
    const accepts = SQL_ACCEPTS[id];
    if (!accepts) throw new Error(`sqladmin route ${id} has no entry in SQL_ACCEPTS`);
    for (const base of BASES) {
      router.add(method, `${base}${suffix}`, id, (req) => { before(); return handler(req); }, accepts);
    }
  };
}
