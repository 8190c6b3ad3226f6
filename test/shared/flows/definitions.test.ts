/**
 * The one list of flows and every place derived from it. Each check runs on the real flows (no
 * problem) and on a flow that lacks the place (the problem is named), so a forgotten step of
 * docs/ADDING-A-FLOW.md fails here. The Terraform places are checked in test/terraform.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TOPICS, type FlowName } from '../../../shared/events/topics.ts';
import { backupsFlow, FLOW_LIST, FLOWS, FUNCTIONS } from '../../../shared/flows/definitions.ts';
import { KINDS } from '../../../shared/local/cli/commands/publish.ts';
import { checkCatalog } from './catalog.ts';
import { checkCliKind, checkExamples, checkFlowFolder, checkFunctionFile, checkNoOrphanExamples } from './registry-checks.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const readme = readFileSync(join(repo, 'README.md'), 'utf8');

// A flow declared but wired nowhere: every check must name what it lacks.
const unwired = {
  ...backupsFlow,
  functionName: 'snapshots',
  messages: [{ kind: 'BackupJob' as const, schema: z.strictObject({ undocumented: z.string(), documented: z.string().describe('a rule the README lacks') }) }],
  cli: { kind: 'snapshot-job', examples: [{ file: 'snapshot-job.json' }] },
};

describe('the flow list (shared/flows/definitions.ts)', () => {
  it('holds one declaration per flow topic, under its own name', () => {
    const flowTopics = Object.keys(TOPICS).filter((k) => k !== 'events').sort();
    expect(Object.keys(FLOWS).sort()).toEqual(flowTopics);
    for (const [name, flow] of Object.entries(FLOWS)) expect(flow.flow).toBe(name);
    expect(FUNCTIONS.map((f) => f.topic)).toEqual(FLOW_LIST.map((f) => TOPICS[f.flow]));
    expect(new Set(FLOW_LIST.map((f) => f.functionName)).size).toBe(FLOW_LIST.length);
  });

  it('every flow has its folder shared/flows/<name>/flow.ts', () => {
    for (const flow of FLOW_LIST) expect(checkFlowFolder(repo, flow.flow)).toEqual([]);
    expect(checkFlowFolder(repo, 'snapshots' as FlowName)).toEqual(['flow "snapshots": shared/flows/snapshots/flow.ts does not exist']);
  });

  it('every flow has its function file, registered by functions/index.ts', async () => {
    for (const flow of FLOW_LIST) expect(checkFunctionFile(repo, flow)).toEqual([]);
    expect(checkFunctionFile(repo, unwired)).toEqual(['flow "backups": functions/snapshots.ts does not exist']);
    // And loading functions/ registers each flow's function under its declared name.
    await import('../../../functions/index.ts');
    const { getFunction } = await import('@google-cloud/functions-framework/testing');
    for (const flow of FLOW_LIST) expect(typeof getFunction(flow.functionName), flow.functionName).toBe('function');
  });

  it('every flow has example messages that decode, and every example belongs to a flow', () => {
    for (const flow of FLOW_LIST) expect(checkExamples(repo, flow)).toEqual([]);
    expect(checkNoOrphanExamples(repo, FLOW_LIST)).toEqual([]);
    expect(checkExamples(repo, unwired)).toEqual(['flow "backups": examples/snapshot-job.json does not exist']);
    expect(checkExamples(repo, { ...unwired, cli: { kind: 'x', examples: [{ file: 'cost-job.json' }] } })[0])
      .toMatch(/examples\/cost-job.json does not decode: invalid BackupJob/);
    expect(checkNoOrphanExamples(repo, FLOW_LIST.filter((f) => f.flow !== 'budgets'))).toEqual(['examples/budget-alert.json is listed by no flow declaration (cli.examples)']);
  });

  it('every flow has its stackctl publish kind, and no two flows share one', () => {
    for (const flow of FLOW_LIST) expect(checkCliKind(flow, KINDS)).toEqual([]);
    expect(Object.keys(KINDS)).toHaveLength(FLOW_LIST.length);
    expect(checkCliKind(unwired, KINDS)).toEqual(['flow "backups": stackctl publish has no kind "snapshot-job" for it']);
  });

  it('every flow has its README event catalog section, in step with the schemas\' .describe()', () => {
    for (const flow of FLOW_LIST) expect(checkCatalog(flow, readme)).toEqual([]);
    expect(checkCatalog(unwired, readme)).toEqual(expect.arrayContaining([
      'cp-backup-jobs: field undocumented has no .describe()',
      'cp-backup-jobs: README has no row for documented',
      'cp-backup-jobs: README documents task, which the schemas do not have',
    ]));
    // A row whose rule drifted from the schema's description fails too.
    const drifted = readme.replace('| `task` | enum | backup, export, retention, rpo-check, restore-drill or bucket-restore |', '| `task` | enum | backup or export |');
    expect(checkCatalog(backupsFlow, drifted)).toEqual(['cp-backup-jobs: README row for task does not say "backup, export, retention, rpo-check, restore-drill or bucket-restore"']);
    expect(checkCatalog(backupsFlow, readme.replace('### `cp-backup-jobs`', '### backups'))).toEqual(['README.md has no "### `cp-backup-jobs`" section in the event catalog']);
  });
});
