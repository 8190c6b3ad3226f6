import type { Command } from 'commander';
import { register as start } from './start.ts';
import { register as publish } from './publish.ts';
import { register as records } from './records.ts';
import { register as status } from './status.ts';
import { register as demo } from './demo.ts';
import { register as bench } from './bench.ts';
import { register as emulator } from './emulator.ts';
import { register as build } from './build.ts';
import { register as workflow } from './workflow.ts';
import { register as sim } from './sim.ts';
import { register as approvals } from './approvals.ts';
import { register as backups } from './backups.ts';
import { register as report } from './report.ts';
import { register as cost } from './cost.ts';
import { register as budget } from './budget.ts';

/** Every command module registers itself here; keep one line per module. */
export const commandModules: Array<(program: Command) => void> = [
  start,
  publish,
  records,
  status,
  demo,
  bench,
  emulator,
  build,
  workflow,
  sim,
  approvals,
  backups,
  report,
  cost,
  budget,
];
