import { describe, expect, it } from 'vitest';
import { loadWorkflow, SIMULATED_SERVICES } from '../../../../shared/local/workflow-engine/index.ts';

describe('unsupported calls reported at load', () => {
  it('names connector methods and modules the engine cannot run, in call steps and inside expressions', () => {
    const program = loadWorkflow(`
main:
  steps:
    - a:
        assign:
          - x: \${googleapis.translate.v2.translations.translate("hi")}
          - y: \${len(keys({}))}
    - b:
        call: googleapis.storage.v1.notifications.list
        args: {bucket: b}
    - c:
        call: helper
    - d:
        call: experimental.executions.map
        args: {workflow_id: w, arguments: []}
helper:
  steps:
    - e:
        call: gke.request
        args: {project: p}
`, 'w.yaml');
    expect(program.unsupported.map((u) => [u.step, u.name, u.service])).toEqual([
      ['a', 'googleapis.translate.v2.translations.translate', 'translate'],
      ['b', 'googleapis.storage.v1.notifications.list', 'storage'],
      ['e', 'gke.request', 'gke'],
    ]);
    expect(program.unsupported[0].reason).toBe(`the translate connector is not simulated (simulated: ${SIMULATED_SERVICES.join(', ')})`);
    expect(program.unsupported[1].reason).toBe("not in the engine's table of storage connector methods");
  });

  it('reports nothing for a workflow the engine runs fully', () => {
    expect(loadWorkflow('- r:\n    call: sys.log\n    args: {text: "x"}\n', 'ok.yaml').unsupported).toEqual([]);
  });
});
