/** The command table: lazy summaries equal the modules' own descriptions, and only the named module loads. */
import { describe, expect, it } from 'vitest';
import { lazyCommands } from '../../../../../shared/local/cli/commands/index.ts';
import { bashScript, completionTable } from '../../../../../shared/local/cli/commands/completion.ts';
import { buildProgram, commandName } from '../../../../../shared/local/cli/main.ts';

describe('lazyCommands', () => {
  it('lists every command with the description its module registers', async () => {
    const program = await buildProgram({ load: 'all' });
    for (const entry of lazyCommands) {
      for (const [name, summary] of Object.entries(entry.commands)) {
        const command = program.commands.find((c) => c.name() === name);
        expect(command, name).toBeDefined();
        expect(command!.description(), name).toBe(summary);
      }
    }
    const listed = lazyCommands.flatMap((e) => Object.keys(e.commands));
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('loads the module of the named command only; the others are stubs with their summary', async () => {
    const program = await buildProgram({ load: 'runs' });
    const runs = program.commands.find((c) => c.name() === 'runs')!;
    expect(runs.commands.map((c) => c.name())).toContain('describe');
    const publish = program.commands.find((c) => c.name() === 'publish')!;
    expect(publish.options).toHaveLength(0);
  });
});

describe('commandName', () => {
  it.each([
    [['runs', '--flow', 'alerts'], 'runs'],
    [['--data-dir', 'runs', 'audit'], 'audit'],
    [['-o', 'json', 'status'], 'status'],
    [['--json', 'help', 'publish'], 'publish'],
    [['--help'], undefined],
    [[], undefined],
  ])('%j → %s', (args, expected) => {
    expect(commandName(args)).toBe(expected);
  });
});

describe('completion', () => {
  it('knows every command, subcommand and option', async () => {
    const program = await buildProgram({ load: 'all' });
    const table = completionTable(program);
    expect(table.find((n) => n.path === '')!.words).toEqual(expect.arrayContaining(['publish', 'runs', 'guardrails', '--version', '--output']));
    expect(table.find((n) => n.path === 'runs')!.words).toEqual(expect.arrayContaining(['describe', '--watch', '--project', '--data-dir']));
    expect(table.find((n) => n.path === 'guardrails reset')!.words).toEqual(expect.arrayContaining(['--target']));
    const script = bashScript(program);
    expect(script).toContain('complete -o default -F _stackctl_complete stackctl');
    expect(script).toContain('"dead-letters replay")');
  });
});
