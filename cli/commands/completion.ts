/** `pistack completion bash|zsh|fish`: print a shell completion script (cli/completion.ts). */
import type { Command } from 'commander';
import { safeExcerpt } from '../../bus-protocol/safeText.ts';
import { CliError, ioOf } from '../output.ts';
import { SHELLS, type Shell } from '../completion.ts';

/** Register `completion` on the program. */
export function register(program: Command): void {
  program
    .command('completion')
    .description('print a completion script for bash, zsh or fish (commands, options, setting and fixture names)')
    .argument('<SHELL>', SHELLS.join(', '))
    .addHelpText('after', '\nInstall:\n  bash: eval "$(pistack completion bash)"   (in ~/.bashrc)\n  zsh:  eval "$(pistack completion zsh)"    (in ~/.zshrc, after compinit)\n  fish: pistack completion fish > ~/.config/fish/completions/pistack.fish')
    .action(async function (this: Command, shell: string) {
      if (!(SHELLS as readonly string[]).includes(shell)) throw new CliError(`"SHELL": unknown shell "${safeExcerpt(shell)}"; give one of ${SHELLS.join(', ')}`, 2);
      ioOf(this).out(await scriptFor(shell as Shell));
    });
}

/** The script, with every command loaded and the builtin names of the rig's files. */
export async function scriptFor(shell: Shell): Promise<string> {
  const [{ fullProgram }, { completionScript, completionSpec }, { BUILTIN_STACKS }, { BUILTIN_PROFILES }, { builtinPlanNames }, { SETTING_NAMES }, { COMMAND_NAMES }, { TARGETS }] = await Promise.all([
    import('../pistack.ts'), import('../completion.ts'), import('../../board-model/stack.ts'), import('../../board-model/profiles.ts'),
    import('../../hil/bench/loadPlan.ts'), import('../settings.ts'), import('../../bus-protocol/commands.ts'), import('../../fuzz/targets.ts'),
  ]);
  const program = await fullProgram({ out: () => undefined, err: () => undefined });
  const settings = [...SETTING_NAMES, ...SETTING_NAMES.map((n) => n.toLowerCase().replaceAll('_', '-'))];
  const spec = completionSpec(program, { get: settings, set: settings, encode: COMMAND_NAMES, completion: SHELLS }, {
    '--stack': Object.keys(BUILTIN_STACKS), '--profile': Object.keys(BUILTIN_PROFILES), '--plan': builtinPlanNames(), '--port': ['sim:'], '--target': TARGETS.map((t) => t.name),
  });
  return completionScript(shell, spec);
}
