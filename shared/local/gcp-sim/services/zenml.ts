/**
 * The ZenML server's health endpoint as the recovery workflow sees it over HTTP. In a real
 * cluster it is the app itself; here it answers from the simulated Argo CD application
 * `zenml-server`: 200 while it is Healthy, 503 otherwise (e.g. mid-sync or Degraded).
 * Served under `/__apps/` (no Google bearer token, like the real in-cluster endpoint).
 */
import type { Router } from '../router.ts';
import type { SimContext, SimService } from '../service.ts';
import type { ArgoCdSim } from './argocd.ts';

export const ZENML_HEALTH_PATH = '/__apps/zenml-server/health';

export class ZenmlServerSim implements SimService {
  readonly name = 'zenml';
  private checks = 0;

  register(router: Router, ctx: SimContext): void {
    router.add('GET', ZENML_HEALTH_PATH, 'apps.zenml.health', () => {
      this.checks++;
      const health = ctx.service<ArgoCdSim>('argocd')?.applicationHealth('zenml-server') ?? 'Missing';
      return health === 'Healthy'
        ? { status: 200, body: { status: 'ok', argocdHealth: health } }
        : { status: 503, body: { status: 'unavailable', argocdHealth: health } };
    }, {});
  }

  snapshot(): unknown {
    return { checks: this.checks };
  }

  summary(): Record<string, number> {
    return { healthChecks: this.checks };
  }
}
