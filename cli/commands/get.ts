/** `pistack get <SETTING> --port P --id N [--pi P]`: read a board setting, with its unit. */
import type { Command } from 'commander';
import { CliError, printJson, printLines, withJson } from '../output.ts';
import { idOption, piOption, runHost, withHostOptions, type HostOptions } from '../hostCommand.ts';
import { SETTINGS, SETTING_NAMES, formatSetting, parseSettingName, readSetting, settingsHelp, type SettingName } from '../settings.ts';

interface GetOptions extends HostOptions {
  id?: string;
  pi?: string;
}

/** The Pis a get/set addresses: the one given, both for a per-Pi setting without --pi, none (null) for board-wide settings. */
export function pisFor(name: SettingName, pi: string | undefined, required: boolean): Array<0 | 1 | null> {
  if (!SETTINGS[name].perPi) {
    if (pi !== undefined) throw new CliError(`"--pi" does not apply: ${name} is one setting per board`);
    return [null];
  }
  if (pi !== undefined) return [piOption(pi)];
  if (required) throw new CliError(`missing "--pi": ${name} is set per Pi, give --pi 0 or --pi 1`);
  return [0, 1];
}

/** Register `get` on the program. */
export function register(program: Command): void {
  const cmd = program
    .command('get')
    .description('read a board setting: ' + SETTING_NAMES.join(', '))
    .argument('<SETTING>', 'setting name, any case, "-" or "_" (e.g. hbt-time)')
    .option('--id <N>', 'board ID, 0..254')
    .option('--pi <P>', 'Pi 0 or 1 (default: both, for per-Pi settings)')
    .addHelpText('after', `\n${settingsHelp()}\n\nExample:\n  pistack get HBT_TIME --port /dev/ttyUSB0 --id 3 --pi 0`);
  withJson(withHostOptions(cmd)).action(async function (this: Command, settingText: string, options: GetOptions) {
    const name = parseSettingName(settingText);
    const id = idOption(options.id);
    const pis = pisFor(name, options.pi, false);
    const values = await runHost(options, async ({ client }) => {
      const out: Array<{ pi: 0 | 1 | null; value: number }> = [];
      for (const pi of pis) out.push({ pi, value: await readSetting(client, name, id, pi ?? 0) });
      return out;
    });
    if (options.json) printJson(this, { port: options.port, id, setting: name, unit: SETTINGS[name].unit, values });
    else printLines(this, values.map(({ pi, value }) => `board ${id}${pi === null ? '' : ` Pi ${pi}`}: ${name} = ${formatSetting(name, value)}`));
  });
}
