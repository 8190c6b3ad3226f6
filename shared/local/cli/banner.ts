import { TOPICS } from '../../events/topics.ts';
import { FUNCTIONS } from '../../flows/definitions.ts';
import type { StackFile } from '../stack/stack-file.ts';

export function banner(info: StackFile): string {
  const dd = info.dataDir;
  const fns = FUNCTIONS.map((f) => `    ${f.target.padEnd(13)} ${info.endpoints.functions[f.flow]}  ← ${f.topic}`).join('\n');
  return `
Stack Control Plane: local stack ready (project ${info.projectId}, pid ${info.pid})

  Pub/Sub emulator   ${info.endpoints.pubsubEmulator}   (PUBSUB_EMULATOR_HOST=${info.endpoints.pubsubEmulator})
  gcp-sim            ${info.endpoints.gcpSim}   (state: ${info.endpoints.gcpSim}/__sim/summary)
  functions (functions-framework):
${fns}
  status events      ${TOPICS.events}
  state              ${dd}/state.sqlite

Try, in another terminal:
  npx stackctl publish provisioning --file examples/workspace-create.json
  npx stackctl runs
  npx stackctl status --json

Ctrl-C stops the stack; accepted messages and state survive a restart.
`;
}
