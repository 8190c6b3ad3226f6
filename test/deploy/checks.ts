/**
 * Invariants of the deploy/ manifests: pinned chart versions, no secret value, Workload
 * Identity on every app's service account, the Application names the control plane syncs, and
 * HTTPS with a managed certificate and health checks in front of the apps.
 */
import type { Manifest } from './manifests.ts';

const SECRET_VALUE_KEY = /^(password|token|apiKey|jwtSecretKey|clientSecret|accessKey|awsSecretAccessKey|connectionString|privateKey)$/;
const EXACT_VERSION = /^\d+\.\d+\.\d+$/;

function* leaves(node: unknown, path: string): Generator<{ path: string; key: string; value: unknown }> {
  if (Array.isArray(node)) for (let i = 0; i < node.length; i++) yield* leaves(node[i], `${path}[${i}]`);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      yield { path: `${path}.${k}`, key: k, value: v };
      yield* leaves(v, `${path}.${k}`);
    }
  }
}

const where = (m: Manifest) => `${m.file}: ${m.doc.kind} ${m.doc.metadata?.name}`;

export function checkManifests(manifests: Manifest[], appNames: string[]): string[] {
  const problems: string[] = [];
  const apps = manifests.filter((m) => m.doc.kind === 'Application');
  for (const m of apps) {
    const source = m.doc.spec?.source ?? {};
    if (source.chart && !EXACT_VERSION.test(String(source.targetRevision))) {
      problems.push(`${where(m)}: chart ${source.chart} targetRevision ${JSON.stringify(source.targetRevision)} is not an exact version`);
    }
    const values = source.helm?.valuesObject;
    if (source.chart && values) {
      const accounts = [...leaves(values, 'values')].filter((l) => l.key === 'serviceAccount');
      if (accounts.length === 0) problems.push(`${where(m)}: no serviceAccount in the chart values (Workload Identity)`);
      for (const a of accounts) {
        const gsa = (a.value as { annotations?: Record<string, string> })?.annotations?.['iam.gke.io/gcp-service-account'];
        if (!gsa || !/@[a-z0-9-]+\.iam\.gserviceaccount\.com$/.test(gsa)) problems.push(`${where(m)}: ${a.path} has no iam.gke.io/gcp-service-account annotation`);
      }
    }
  }
  for (const m of manifests) {
    for (const l of leaves(m.doc, '')) {
      if (SECRET_VALUE_KEY.test(l.key) && typeof l.value === 'string' && l.value !== '') problems.push(`${where(m)}: ${l.path.slice(1)} holds a literal secret value`);
      if (typeof l.value === 'string' && /:\/\/[^/\s:@]+:[^/\s@]+@/.test(l.value)) problems.push(`${where(m)}: ${l.path.slice(1)} embeds credentials in a URL`);
    }
    if (m.doc.kind === 'Secret' && (m.doc.data || m.doc.stringData)) problems.push(`${where(m)}: a Secret with data is committed; sync it from Secret Manager`);
  }
  const names = new Set(apps.map((a) => a.doc.metadata?.name));
  for (const n of appNames) if (!names.has(n)) problems.push(`no Argo CD Application named "${n}" (the control plane syncs it by that name)`);

  const ingresses = manifests.filter((m) => m.doc.kind === 'Ingress');
  if (ingresses.length === 0) problems.push('no Ingress in front of the apps');
  for (const m of ingresses) {
    const ann = (m.doc.metadata?.annotations ?? {}) as Record<string, string>;
    if (!ann['networking.gke.io/managed-certificates']) problems.push(`${where(m)}: no Google-managed certificate (networking.gke.io/managed-certificates)`);
    if (!ann['kubernetes.io/ingress.global-static-ip-name']) problems.push(`${where(m)}: no reserved global address (kubernetes.io/ingress.global-static-ip-name): the DNS records would point nowhere`);
    const fc = ann['networking.gke.io/v1beta1.FrontendConfig'];
    const redirect = manifests.find((x) => x.doc.kind === 'FrontendConfig' && x.doc.metadata?.name === fc)?.doc.spec?.redirectToHttps?.enabled === true;
    if (!redirect && ann['kubernetes.io/ingress.allow-http'] !== 'false') problems.push(`${where(m)}: serves plain HTTP (no FrontendConfig redirectToHttps and allow-http is not "false")`);
    const backends = (m.doc.spec?.rules ?? []).flatMap((r: any) => (r.http?.paths ?? []).map((p: any) => p.backend?.service?.name));
    for (const b of backends) {
      const hc = manifests.find((x) => x.doc.kind === 'BackendConfig' && x.doc.metadata?.name === b)?.doc.spec?.healthCheck?.requestPath;
      if (!hc) problems.push(`${where(m)}: backend ${b} has no BackendConfig health check`);
      const wired = apps.some((a) => JSON.stringify(a.doc.spec?.source?.helm?.valuesObject ?? {}).includes(`{\\"default\\": \\"${b}\\"}`));
      if (!wired) problems.push(`${where(m)}: no app's Service carries cloud.google.com/backend-config for ${b}`);
    }
  }
  return problems;
}
