/**
 * The four one-Pi actions (`pistack pi-on | pi-off | pi-force-off | send-sig`), one small file
 * each under cli/commands/, all built here: send the command to one Pi, report the acknowledgement.
 */
import type { Command } from 'commander';
import type { CommandName } from '../bus-protocol/commands.ts';
import { CliError, printJson, printLines, withJson } from './output.ts';
import { idOption, piOption, runHost, withHostOptions, type HostOptions } from './hostCommand.ts';

/** A one-Pi action: its CLI name, protocol command, help text and what happens after the acknowledgement. */
export interface PiActionSpec {
  readonly name: string;
  readonly command: Extract<CommandName, 'PI_ON' | 'PI_OFF' | 'PI_FORCE_OFF' | 'SEND_SIG'>;
  readonly description: string;
  /** One line said after the board acknowledged. */
  readonly after: string;
}

interface PiActionOptions extends HostOptions {
  id?: string;
  pi?: string;
}

/** Register one one-Pi action command on the program. */
export function registerPiAction(program: Command, spec: PiActionSpec): void {
  const cmd = program
    .command(spec.name)
    .description(spec.description)
    .option('--id <N>', 'board ID, 0..254')
    .option('--pi <P>', 'Pi 0 or 1')
    .addHelpText('after', `\nExample:\n  pistack ${spec.name} --port /dev/ttyUSB0 --id 3 --pi 0`);
  withJson(withHostOptions(cmd)).action(async function (this: Command, options: PiActionOptions) {
    const id = idOption(options.id);
    if (options.pi === undefined) throw new CliError(`missing "--pi": ${spec.command} addresses one Pi, give --pi 0 or --pi 1`);
    const pi = piOption(options.pi);
    await runHost(options, ({ client }) => client.request(spec.command, id, { pi }));
    if (options.json) printJson(this, { port: options.port, id, pi, command: spec.command, acknowledged: true });
    else printLines(this, [`board ${id} Pi ${pi}: ${spec.command} acknowledged; ${spec.after}`]);
  });
}
