/**
 * `pistack errors --port P --id N`: the board's error log decoded newest first (code, name,
 * description), how often each code occurs, and the error count, log pointer and boot count.
 * Read-only: it leaves the log as it found it (no command the firmware lacks is sent).
 */
import type { Command } from 'commander';
import { countCodes, decodeErrorLog, readErrorLog } from '../errorLog.ts';
import { printJson, printLines, withJson } from '../output.ts';
import { idOption, runHost, withHostOptions, type HostOptions } from '../hostCommand.ts';
import { hexByte } from '../../bus-protocol/hex.ts';

interface ErrorsOptions extends HostOptions {
  id?: string;
}

/** Register `errors` on the program. */
export function register(program: Command): void {
  const cmd = program
    .command('errors')
    .description('read a board\'s error log, newest first, with the error count, log pointer and boot count')
    .option('--id <N>', 'board ID, 0..254')
    .addHelpText('after', '\nExample:\n  pistack errors --port /dev/ttyUSB0 --id 3');
  withJson(withHostOptions(cmd)).action(async function (this: Command, options: ErrorsOptions) {
    const id = idOption(options.id);
    const read = await runHost(options, ({ client }) => readErrorLog(client, id));
    const entries = decodeErrorLog(read.log, read.pointer);
    const counts = countCodes(entries);
    if (options.json) {
      printJson(this, { port: options.port, id, size: read.log.length, pointer: read.pointer, errorCount: read.errorCount, bootCount: read.bootCount, entries, counts });
      return;
    }
    printLines(this, [
      `board ${id} error log: ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} in ${read.log.length} slots, pointer ${read.pointer}; error count ${read.errorCount}, boot count ${read.bootCount ?? 'n/a (firmware without GET_BOOT_COUNT)'}`,
      ...(entries.length ? ['newest first:', ...entries.map((e) => `  ${String(e.age + 1).padStart(3)}. slot ${String(e.slot).padStart(2)}  ${hexByte(e.code)} ${e.name.padEnd(22)} ${e.description}`)] : ['the log is empty']),
      ...(counts.length ? ['by code:', ...counts.map((c) => `  ${hexByte(c.code)} ${c.name.padEnd(22)} ${c.count}`)] : []),
    ]);
  });
}
