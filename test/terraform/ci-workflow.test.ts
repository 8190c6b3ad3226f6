/**
 * .github/workflows/ci.yml (the seed's "CI/CD ready") and terraform/bootstrap (the state
 * bucket with versioning, the Workload Identity Federation pool), parsed and checked.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { dig, loadTree, resources } from './hcl.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');

interface Step { uses?: string; run?: string; if?: string; with?: Record<string, string> }
interface Job { needs?: string | string[]; permissions?: Record<string, string>; steps: Step[] }
interface Workflow { on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, Job> }

/** Problems of a CI workflow against what the issue asks. */
export function checkCiWorkflow(wf: Workflow): string[] {
  const problems: string[] = [];
  const steps = Object.values(wf.jobs ?? {}).flatMap((j) => j.steps ?? []);
  const text = JSON.stringify(wf);
  if (!('pull_request' in (wf.on ?? {}))) problems.push('does not run on pull requests');
  const pushBranches = (dig(wf.on, 'push', 'branches') as string[] | undefined) ?? [];
  if (!pushBranches.includes('main')) problems.push('does not run on pushes to main');
  if (wf.permissions?.contents !== 'read' || Object.keys(wf.permissions ?? {}).length !== 1) problems.push('top-level permissions must be contents: read only');
  if (!steps.some((s) => /\.ci\/run|npm test/.test(s.run ?? ''))) problems.push('no step runs the tests');
  for (const [cmd, label] of [[/terraform fmt -check/, 'terraform fmt -check'], [/terraform validate/, 'terraform validate'], [/terraform plan/, 'terraform plan']] as const) {
    if (!steps.some((s) => cmd.test(s.run ?? ''))) problems.push(`no ${label} step`);
  }
  const apply = steps.filter((s) => /terraform apply/.test(s.run ?? ''));
  if (apply.length === 0) problems.push('no terraform apply step');
  for (const s of apply) {
    if (!/github\.event_name == 'push'/.test(s.if ?? '') || !/refs\/heads\/main/.test(s.if ?? '')) problems.push('terraform apply must run only on pushes to main');
  }
  const auth = steps.filter((s) => s.uses?.startsWith('google-github-actions/auth@'));
  if (auth.length === 0) problems.push('no google-github-actions/auth step');
  for (const s of auth) {
    if (!s.with?.workload_identity_provider || !s.with?.service_account) problems.push('auth must use workload_identity_provider and service_account (Workload Identity Federation)');
    if (s.with && 'credentials_json' in s.with) problems.push('auth uses a service-account key (credentials_json)');
  }
  if (/credentials_json|GOOGLE_CREDENTIALS|service_account_key/i.test(text)) problems.push('a service-account key is referenced');
  for (const [name, job] of Object.entries(wf.jobs)) {
    if (job.steps.some((s) => s.uses?.startsWith('google-github-actions/auth@')) && job.permissions?.['id-token'] !== 'write') {
      problems.push(`job ${name} authenticates to Google but lacks permissions id-token: write`);
    }
  }
  for (const s of steps) if (s.uses && !/@v?\d+|@[0-9a-f]{40}$/.test(s.uses)) problems.push(`action ${s.uses} is not pinned to a version`);
  return problems;
}

describe('.github/workflows/ci.yml', () => {
  const wf = parseYaml(readFileSync(join(repo, '.github', 'workflows', 'ci.yml'), 'utf8')) as Workflow;

  it('tests, fmt/validate/plan on pull requests, apply on main, Workload Identity Federation only', () => {
    expect(checkCiWorkflow(wf)).toEqual([]);
  });

  it('refuses a workflow with a key, an unconditional apply and unpinned actions', () => {
    const broken = structuredClone(wf);
    const job = broken.jobs.terraform;
    const auth = job.steps.find((s) => s.uses?.startsWith('google-github-actions/auth@'))!;
    auth.with = { credentials_json: '${{ secrets.GCP_SA_KEY }}' };
    delete job.steps.find((s) => /terraform apply/.test(s.run ?? ''))!.if;
    job.steps[0].uses = 'actions/checkout@main';
    delete job.permissions;
    expect(checkCiWorkflow(broken)).toEqual([
      'terraform apply must run only on pushes to main',
      'auth must use workload_identity_provider and service_account (Workload Identity Federation)',
      'auth uses a service-account key (credentials_json)',
      'a service-account key is referenced',
      'job terraform authenticates to Google but lacks permissions id-token: write',
      'action actions/checkout@main is not pinned to a version',
    ]);
  });
});

describe('terraform/bootstrap', () => {
  it('creates a versioned, private state bucket and a Workload Identity pool limited to the repository', async () => {
    const tree = await loadTree(join(repo, 'terraform', 'bootstrap'));
    const root = tree.modules[0];
    const [bucket] = resources(root, 'google_storage_bucket');
    expect(dig(bucket.body, 'versioning', 'enabled')).toBe(true);
    expect(bucket.body.public_access_prevention).toBe('enforced');
    expect(bucket.body.uniform_bucket_level_access).toBe(true);
    expect(dig(bucket.body, 'lifecycle', 'prevent_destroy')).toBe(true);
    const [provider] = resources(root, 'google_iam_workload_identity_pool_provider');
    expect(String(provider.body.attribute_condition)).toMatch(/assertion\.repository == /);
    expect(resources(root, 'google_service_account_key')).toEqual([]);
  });
});
