/**
 * `pistack set <SETTING> --port P --id N [--pi P] VALUE`: write a board setting, then read it
 * back (a board that acknowledges but stores something else is an error). Setting ID_PREFIX
 * changes the board's ID at once, so the read-back goes to the new ID; before writing, the new
 * ID is probed, and a prefix that would put the board on an ID another board answers is refused
 * (nothing written). A collision the probe could not see (the other board silent then) shows in
 * the read-back and is named as two boards sharing the ID.
 */
import type { Command } from 'commander';
import { CrcError, MalformedReplyError, NoReplyError } from '../../bus-protocol/errors.ts';
import type { StackClient } from '../../bus-protocol/StackClient.ts';
import { CliError, printJson, printLines, withJson } from '../output.ts';
import { idOption, runHost, withHostOptions, type HostOptions } from '../hostCommand.ts';
import { SETTINGS, SETTING_NAMES, formatSetting, parseSettingName, parseSettingValue, readSetting, settingsHelp, writeSetting } from '../settings.ts';
import { pisFor } from './get.ts';
import { hexByte } from '../../bus-protocol/hex.ts';

interface SetOptions extends HostOptions {
  id?: string;
  pi?: string;
}

/** Re-sends of the GET_HW_VERSION probe of the new ID before SET_ID_PREFIX (a missed reply would let a collision through). */
const TARGET_PROBE_RETRIES = 2;

/** Refuse (before writing) a prefix that moves board `id` onto `newId` when something answers there. */
async function checkTargetFree(client: StackClient, id: number, newId: number, prefix: number): Promise<void> {
  const there = await client.probe(newId, TARGET_PROBE_RETRIES);
  if (there.kind === 'absent') return;
  const what = there.kind === 'corrupt' ? 'something (replies garbled: already more than one board?)' : 'another board';
  throw new CliError(
    `ID_PREFIX ${hexByte(prefix)} would move board ${id} to ID ${newId} (${hexByte(newId)}), where ${what} answers: two boards would share ID ${newId}. Nothing written; choose another prefix or move that board first`,
  );
}

/** The read-back at the new ID was garbled: say plainly that two boards now share it, and how to undo it. */
function sharedIdError(id: number, newId: number, was: number, error: Error): CliError {
  return new CliError(
    `board ${id} took the new prefix and now answers at ID ${newId} (${hexByte(newId)}), but so does another board: two boards now share ID ${newId}, and their replies collide (${error.message}). ` +
      `Power the other board off and run: pistack set ID_PREFIX --id ${newId} ${hexByte(was)}`,
  );
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
      if (newId !== id) await checkTargetFree(client, id, newId, value);
      await writeSetting(client, name, id, pi ?? 0, value);
      let now: number;
      try {
        now = await readSetting(client, name, newId, pi ?? 0);
      } catch (e) {
        const garbled = e instanceof CrcError || e instanceof MalformedReplyError || (e instanceof NoReplyError && e.partial.length > 0);
        if (newId !== id && garbled) throw sharedIdError(id, newId, was, e);
        throw e;
      }
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
