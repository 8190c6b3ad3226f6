import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadWorkflow, WorkflowValidationError } from '../../../../shared/local/workflow-engine/index.ts';
import { parseWorkflowYaml, reindentQuotedScalars } from '../../../../shared/local/workflow-engine/yaml-source.ts';
import { result } from './helpers.ts';

// The shape of Google's workflows-demos vertexai/parallel-summaries sample: a single-quoted expression whose
// continuation lines sit at the indentation of the list item, not deeper than the `text` key.
const UNDER_INDENTED = `
main:
  steps:
    - build:
        assign:
          - parts:
              - text: '\${"Summarise the text. Keep
              it short and plain.
              Text: " + "abc"}'
    - done:
        return: \${parts[0].text}
`;

describe('parseWorkflowYaml', () => {
  it('loads a multi-line quoted scalar with under-indented continuation lines, folded as YAML folds them', async () => {
    expect(() => parse(UNDER_INDENTED)).toThrow(/Missing closing 'quote/);
    expect(await result(UNDER_INDENTED)).toBe('Summarise the text. Keep it short and plain. Text: abc');
  });

  it('keeps blank lines (line breaks) and escaped line breaks of double-quoted scalars', () => {
    const text = `a:
  - k: "one
  two

  three \\
  four"
`;
    expect(parseWorkflowYaml(text)).toEqual({ a: [{ k: 'one two\nthree four' }] });
  });

  it('changes nothing in a source that parses strictly', () => {
    const text = 'a:\n  b: \'x\n    y\'\n';
    expect(reindentQuotedScalars(text)).toBe(text);
    expect(parseWorkflowYaml(text)).toEqual({ a: { b: 'x y' } });
  });

  it('still refuses a quote that is never closed, with the parser\'s own message and position', () => {
    const err = (() => { try { loadWorkflow("- s:\n    return: 'open\n", 'bad.yaml'); } catch (e) { return e; } return undefined; })();
    expect(err).toBeInstanceOf(WorkflowValidationError);
    expect((err as WorkflowValidationError).issues[0].reason).toMatch(/not valid YAML\/JSON at line \d+, column \d+: Missing closing 'quote/);
  });
});
