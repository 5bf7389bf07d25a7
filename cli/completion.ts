/**
 * Shell completion scripts for `pistack completion bash|zsh|fish`: commands, their options,
 * the values some take (builtin stack, profile and plan names, setting and protocol command
 * names), files for the rest. Generated from the commander program itself, so a new command
 * or option is completed without touching this file.
 */
import type { Command } from 'commander';

/** The shells a script is made for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
/** One of SHELLS. */
export type Shell = (typeof SHELLS)[number];

/** One option of a command, as completion needs it. */
export interface OptionSpec {
  readonly long: string;
  readonly short?: string;
  readonly takesValue: boolean;
  readonly description: string;
}

/** One command: its options and the words its positional arguments complete to. */
export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionSpec[];
  readonly words: readonly string[];
}

/** What a script completes. */
export interface CompletionSpec {
  readonly commands: readonly CommandSpec[];
  /** Option values offered for these options (files are offered as well). */
  readonly optionValues: Readonly<Record<string, readonly string[]>>;
}

/** The spec of a program whose commands are all loaded; `words` gives positional words per command. */
export function completionSpec(program: Command, words: Readonly<Record<string, readonly string[]>>, optionValues: CompletionSpec['optionValues']): CompletionSpec {
  const commands = program.commands.filter((c) => c.name() !== 'help').map((c) => ({
    name: c.name(),
    description: c.description(),
    options: [...c.options.filter((o) => o.long !== undefined).map((o) => ({
      long: o.long!, ...(o.short ? { short: o.short } : {}), takesValue: o.required || o.optional, description: o.description,
    })), { long: '--help', short: '-h', takesValue: false, description: 'display help for command' }],
    words: words[c.name()] ?? [],
  }));
  return { commands, optionValues };
}

/** The completion script for `shell`. */
export function completionScript(shell: Shell, spec: CompletionSpec): string {
  if (shell === 'fish') return fishScript(spec);
  const bash = bashFunction(spec);
  if (shell === 'bash') return `# pistack completion for bash: eval "$(pistack completion bash)" in ~/.bashrc\n${bash}complete -o default -F _pistack pistack\n`;
  return `#compdef pistack\n# pistack completion for zsh: eval "$(pistack completion zsh)" in ~/.zshrc (after compinit)\nautoload -U +X bashcompinit && bashcompinit\n${bash}complete -o default -F _pistack pistack\n`;
}

const words = (list: readonly string[]): string => list.join(' ');

function bashFunction(spec: CompletionSpec): string {
  const valueOptions = [...new Set(spec.commands.flatMap((c) => c.options.filter((o) => o.takesValue).map((o) => o.long)))].sort();
  const known = Object.entries(spec.optionValues).map(([option, values]) => `    ${option}) COMPREPLY=($(compgen -W "${words(values)}" -- "$cur")); return ;;\n`).join('');
  const perCommand = spec.commands.map((c) => `    ${c.name}) opts="${words(c.options.flatMap((o) => (o.short ? [o.short, o.long] : [o.long])))}"; args="${words(c.words)}" ;;\n`).join('');
  return `_pistack() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="" opts="" args="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) cmd="\${COMP_WORDS[i]}"; break ;; esac
  done
  COMPREPLY=()
  case "$prev" in
${known}    ${valueOptions.join('|')}) return ;;
  esac
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W "${words(spec.commands.map((c) => c.name))} help --help --version" -- "$cur"))
    return
  fi
  case "$cmd" in
${perCommand}  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); else COMPREPLY=($(compgen -W "$args" -- "$cur")); fi
}
`;
}

/** A fish single-quoted string. */
function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fishScript(spec: CompletionSpec): string {
  const lines = ['# pistack completion for fish: pistack completion fish > ~/.config/fish/completions/pistack.fish', 'complete -c pistack -f'];
  for (const c of spec.commands) lines.push(`complete -c pistack -n __fish_use_subcommand -a ${c.name} -d ${fishQuote(c.description)}`);
  for (const c of spec.commands) {
    const when = `-n ${fishQuote(`__fish_seen_subcommand_from ${c.name}`)}`;
    if (c.words.length > 0) lines.push(`complete -c pistack ${when} -a ${fishQuote(words(c.words))}`);
    for (const o of c.options) {
      const values = spec.optionValues[o.long];
      const value = o.takesValue ? (values ? ` -r -F -a ${fishQuote(words(values))}` : ' -r -F') : '';
      lines.push(`complete -c pistack ${when}${o.short ? ` -s ${o.short.slice(1)}` : ''} -l ${o.long.slice(2)}${value} -d ${fishQuote(o.description)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
