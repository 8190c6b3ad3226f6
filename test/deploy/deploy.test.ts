/**
 * deploy/ parsed and checked: the manifests Argo CD syncs must hold the invariants the
 * control plane and the seed rely on; the same checks fail on a broken fixture.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkManifests } from './checks.ts';
import { loadCharts } from './manifests.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');

/** The Argo CD applications pitr-restore redeploys by default, read from the workflow itself. */
function pitrRestoreApps(): string[] {
  const text = readFileSync(join(repo, 'workflows', 'pitr-restore.yaml'), 'utf8');
  const m = /apps: \$\{default\(map\.get\(args, "apps"\), \[([^\]]+)\]\)\}/.exec(text);
  if (!m) throw new Error('workflows/pitr-restore.yaml: the default apps list was not found');
  return m[1].split(',').map((s) => s.trim().replace(/^"|"$/g, ''));
}

describe('deploy/ (the app-of-apps Argo CD syncs)', () => {
  const manifests = loadCharts(join(repo, 'deploy'));
  const appNames = pitrRestoreApps();

  it('names the applications the control plane syncs', () => {
    expect(appNames).toEqual(['zenml-server', 'mlflow']);
    expect(manifests.filter((m) => m.doc.kind === 'Application').map((m) => m.doc.metadata.name).sort())
      .toEqual(['external-secrets', 'mlflow', 'platform', 'zenml-server']);
  });

  it('pins every chart, holds no secret value, annotates every service account for Workload Identity, serves HTTPS with a managed certificate and health checks', () => {
    expect(checkManifests(manifests, appNames)).toEqual([]);
  });

  it('the apps get their database password from Secret Manager through External Secrets, and reach Cloud SQL through the proxy', () => {
    const externalSecrets = manifests.filter((m) => m.doc.kind === 'ExternalSecret');
    expect(externalSecrets.map((m) => m.doc.spec.target.name).sort()).toEqual(['mlflow-db', 'zenml-db']);
    const zenml = manifests.find((m) => m.doc.kind === 'Application' && m.doc.metadata?.name === 'zenml-server')!.doc.spec.source.helm.valuesObject;
    expect(zenml.zenml.database.passwordSecretRef).toEqual({ name: 'zenml-db', key: 'password' });
    expect(zenml.zenml.database.url).toMatch(/^mysql:\/\/zenml@cloud-sql-proxy\./);
    const proxy = manifests.find((m) => m.doc.kind === 'Deployment' && m.doc.metadata.name === 'cloud-sql-proxy')!.doc;
    expect(proxy.spec.template.spec.containers[0].args).toContain('--private-ip');
  });

  it('every check fails on the broken fixture', () => {
    const broken = checkManifests(loadCharts(join(here, 'fixtures', 'broken')), appNames);
    expect(broken).toEqual([
      'stack/templates/apps.yaml: Application zenml: chart zenml targetRevision "0.74.*" is not an exact version',
      'stack/templates/apps.yaml: Application zenml: values.serviceAccount has no iam.gke.io/gcp-service-account annotation',
      'stack/templates/apps.yaml: Application zenml: spec.source.helm.valuesObject.zenml.database.url embeds credentials in a URL',
      'stack/templates/apps.yaml: Application zenml: spec.source.helm.valuesObject.zenml.database.password holds a literal secret value',
      'stack/templates/apps.yaml: Secret db: stringData.password holds a literal secret value',
      'stack/templates/apps.yaml: Secret db: a Secret with data is committed; sync it from Secret Manager',
      'no Argo CD Application named "zenml-server" (the control plane syncs it by that name)',
      'no Argo CD Application named "mlflow" (the control plane syncs it by that name)',
      'stack/templates/apps.yaml: Ingress apps: no Google-managed certificate (networking.gke.io/managed-certificates)',
      'stack/templates/apps.yaml: Ingress apps: no reserved global address (kubernetes.io/ingress.global-static-ip-name): the DNS records would point nowhere',
      'stack/templates/apps.yaml: Ingress apps: serves plain HTTP (no FrontendConfig redirectToHttps and allow-http is not "false")',
      'stack/templates/apps.yaml: Ingress apps: backend zenml has no BackendConfig health check',
      'stack/templates/apps.yaml: Ingress apps: no app\'s Service carries cloud.google.com/backend-config for zenml',
    ]);
  });
});
