/**
 * `stackctl completion bash|zsh`: a completion script generated from the command tree itself
 * (every command, subcommand and option), so it never lags behind the CLI.
 *   bash: source <(stackctl completion bash)      zsh: source <(stackctl completion zsh)
 */
import type { Command } from 'commander';
import { UsageError } from '../output.ts';

interface Node { path: string; words: string[] }

function optionWords(command: Command): string[] {
  return command.options.flatMap((o) => [o.long, o.short].filter((x): x is string => Boolean(x)));
}

/** Each command path ('' for the root, 'runs', 'dead-letters replay', …) with the words that may follow it. */
export function completionTable(program: Command): Node[] {
  const out: Node[] = [];
  const walk = (command: Command, path: string[]) => {
    const subs = command.commands.map((c) => c.name()).filter((n) => n !== 'help');
    const globals = path.length === 0 ? [] : optionWords(program);
    out.push({ path: path.join(' '), words: [...new Set([...subs, ...optionWords(command), ...globals, '--help'])] });
    for (const sub of command.commands) if (sub.name() !== 'help') walk(sub, [...path, sub.name()]);
  };
  walk(program, []);
  return out;
}

function caseArms(nodes: Node[]): string {
  return nodes.map((n) => `    "${n.path}") words="${n.words.join(' ')}" ;;`).join('\n');
}

export function bashScript(program: Command): string {
  const nodes = completionTable(program);
  const commands = nodes.filter((n) => n.path).map((n) => `"${n.path}"`).join(' ');
  return `# stackctl completion for bash: source <(stackctl completion bash)
_stackctl_complete() {
  local cur path="" word words candidate
  cur="\${COMP_WORDS[COMP_CWORD]}"
  local known=(${commands})
  for word in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    [[ "$word" == -* ]] && continue
    candidate="\${path:+$path }$word"
    for k in "\${known[@]}"; do [[ "$k" == "$candidate" ]] && path="$candidate" && break; done
  done
  case "$path" in
${caseArms(nodes)}
    *) words="" ;;
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -o default -F _stackctl_complete stackctl
`;
}

export function zshScript(program: Command): string {
  return `#compdef stackctl
# stackctl completion for zsh: source <(stackctl completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashScript(program)}`;
}

export function register(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script: `source <(stackctl completion bash)` (or zsh)')
    .argument('<shell>', 'bash|zsh')
    .action((shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh') throw new UsageError(`completion: unsupported shell "${shell}"`, 'use bash or zsh');
      process.stdout.write(shell === 'bash' ? bashScript(program) : zshScript(program));
    });
}
