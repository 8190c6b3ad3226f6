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

describe('http.* calls to Google APIs gcp-sim does not simulate', () => {
  it('are reported when the url (or the literal start of its expression) names such a host', () => {
    const program = loadWorkflow(`
- a:
    call: http.get
    args:
      url: \${"https://firestore.googleapis.com/v1/projects/" + sys.get_env("GOOGLE_CLOUD_PROJECT_ID")}
- b:
    call: http.post
    args:
      url: https://secretmanager.googleapis.com/v1/projects/p/secrets
- c:
    call: http.get
    args:
      url: https://www.googleapis.com/drive/v3/files
- d:
    call: http.get
    args:
      url: https://example.com/
`, 'h.yaml');
    expect(program.unsupported.map((u) => [u.step, u.name, u.service])).toEqual([['a', 'http.get firestore.googleapis.com', 'firestore']]);
  });
});
