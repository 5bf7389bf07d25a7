/**
 * `pistack set <SETTING> --port P --id N [--pi P] VALUE`: write a board setting, then read it
 * back (a board that acknowledges but stores something else is an error). Setting ID_PREFIX
 * changes the board's ID at once, so the read-back goes to the new ID.
 */
import type { Command } from 'commander';
import { CliError, printJson, printLines, withJson } from '../output.ts';
import { idOption, runHost, withHostOptions, type HostOptions } from '../hostCommand.ts';
import { SETTINGS, SETTING_NAMES, formatSetting, parseSettingName, parseSettingValue, readSetting, settingsHelp, writeSetting } from '../settings.ts';
import { pisFor } from './get.ts';
import { hexByte } from '../../bus-protocol/hex.ts';

interface SetOptions extends HostOptions {
  id?: string;
  pi?: string;
}

/** Register `set` on the program. */
export function register(program: Command): void {
  const cmd = program
    .command('set')
    .description('write a board setting and read it back: ' + SETTING_NAMES.join(', '))
    .argument('<SETTING>', 'setting name, any case, "-" or "_" (e.g. hbt-time)')
    .argument('<VALUE>', 'new value: seconds (HBT_TIME, HBT_DELAY, OFF_DELAY, SIG_OFF_DELAY), x100 ms (SIG_WIDTH), 0/1 (PI_ON_STARTUP), high nibble (ID_PREFIX, e.g. 0x10)')
    .option('--id <N>', 'board ID, 0..254')
    .option('--pi <P>', 'Pi 0 or 1 (required for per-Pi settings)')
    .addHelpText('after', `\n${settingsHelp()}\n\nExamples:\n  pistack set HBT_TIME --port /dev/ttyUSB0 --id 3 --pi 0 30\n  pistack set id-prefix --port tcp://127.0.0.1:5000 --id 3 0x10`);
  withJson(withHostOptions(cmd)).action(async function (this: Command, settingText: string, valueText: string, options: SetOptions) {
    const name = parseSettingName(settingText);
    const value = parseSettingValue(name, valueText);
    const id = idOption(options.id);
    const pi = pisFor(name, options.pi, true)[0]!;
    const newId = name === 'ID_PREFIX' ? (value & 0xf0) | (id & 0x0f) : id;
    if (newId === 0xff) throw new CliError(`"VALUE": prefix ${hexByte(value)} would give board ${id} the ID 0xFF, the master address`);
    const result = await runHost(options, async ({ client }) => {
      const was = await readSetting(client, name, id, pi ?? 0);
      await writeSetting(client, name, id, pi ?? 0, value);
      const now = await readSetting(client, name, newId, pi ?? 0);
      if (now !== value) throw new CliError(`board ${newId} acknowledged ${name} = ${formatSetting(name, value)} but reads back ${formatSetting(name, now)}`);
      return { was, now };
    });
    if (options.json) {
      printJson(this, { port: options.port, id, newId, setting: name, unit: SETTINGS[name].unit, pi, previous: result.was, value: result.now });
      return;
    }
    const where = `board ${id}${pi === null ? '' : ` Pi ${pi}`}`;
    printLines(this, [
      `${where}: ${name} = ${formatSetting(name, result.now)}, was ${formatSetting(name, result.was)}; read back OK`,
      ...(newId === id ? [] : [`board ${id} now answers at ID ${newId} (${hexByte(newId)})`]),
    ]);
  });
}
