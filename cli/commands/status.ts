/**
 * `pistack status --port P --id N`: every reading of one board converted to units, both Pis'
 * power and heartbeat state and settings, the board's IDs, versions and counters.
 */
import type { Command } from 'commander';
import { printJson, printLines, withJson } from '../output.ts';
import { idOption, runHost, withHostOptions, type HostOptions } from '../hostCommand.ts';
import { PI_SETTINGS, SETTINGS } from '../settings.ts';
import { readStatus, statusLines } from '../statusReport.ts';

interface StatusOptions extends HostOptions {
  id?: string;
}

/** Register `status` on the program. */
export function register(program: Command): void {
  const cmd = program
    .command('status')
    .description('read everything about one board: readings in V, A and W, Pi states, settings, versions, counters')
    .option('--id <N>', 'board ID, 0..254')
    .addHelpText('after', '\nExample:\n  pistack status --port /dev/ttyUSB0 --id 3\n  pistack status --port sim: --id 3 --json');
  withJson(withHostOptions(cmd)).action(async function (this: Command, options: StatusOptions) {
    const id = idOption(options.id);
    const report = await runHost(options, ({ client }) => readStatus(client, id));
    if (options.json) {
      const settingUnits = Object.fromEntries(PI_SETTINGS.map((n) => [n, SETTINGS[n].unit]));
      printJson(this, { port: options.port, ...report, settingUnits });
    } else {
      printLines(this, statusLines(report, options.port!));
    }
  });
}
