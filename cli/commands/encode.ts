/** `pistack encode <COMMAND> --id N [--pi P] [VALUE...]`: print a request frame as hex. */
import type { Command } from 'commander';
import { COMMANDS, encodeRequest, takesPi, toHex, type CommandName } from '../../bus-protocol/index.ts';
import { CliError, parseInteger, printJson, printLines, withJson } from '../output.ts';
import { resolveCommand } from '../resolveCommand.ts';

interface EncodeOptions {
  id?: string;
  pi?: string;
  json?: boolean;
}

/** Result of `pistack encode`, also its --json shape. */
export interface EncodeResult {
  command: CommandName;
  code: number;
  id: number;
  args: Record<string, number>;
  hex: string;
}

/** Build the request the user described; every mistake is a CliError or ArgumentError naming the option. */
export function encodeFromCli(commandText: string, values: readonly string[], options: EncodeOptions): EncodeResult {
  const command = resolveCommand(commandText);
  if (options.id === undefined) throw new CliError('missing "--id": give the target board ID (0..254), e.g. --id 0');
  const id = parseInteger(options.id, '--id', { min: 0, max: 0xfe, hint: '0xFF is the master address, never a board' });
  const args: Record<string, number> = {};
  if (takesPi(command)) {
    if (options.pi === undefined) throw new CliError(`missing "--pi": ${command} addresses one Pi, give --pi 0 or --pi 1`);
    args['pi'] = parseInteger(options.pi, '--pi', { min: 0, max: 1 });
  } else if (options.pi !== undefined) {
    throw new CliError(`"--pi" does not apply: ${command} takes no Pi number`);
  }
  const fields = COMMANDS[command].request.filter((f) => f.name !== 'pi');
  if (values.length !== fields.length) {
    const takes = fields.length ? `takes ${fields.length === 1 ? '1 value' : `${fields.length} values`} (${fields.map((f) => `${f.name}: ${f.type}`).join(', ')})` : 'takes no values';
    throw new CliError(`"VALUE": ${command} ${takes}, got ${values.length}${values.length ? ` (${values.join(' ')})` : ''}`);
  }
  fields.forEach((f, i) => (args[f.name] = parseInteger(values[i]!, f.name)));
  const bytes = encodeRequest(command, id, args as never); // range checks name the field
  return { command, code: COMMANDS[command].code, id, args, hex: toHex(bytes) };
}

/** Register `encode` on the program. */
export function register(program: Command): void {
  const cmd = program
    .command('encode')
    .description('print the request frame for a command as hex (PROTOCOL.md sections 2 and 5)')
    .argument('<COMMAND>', 'command name, any case, "-" or "_" (e.g. pi-on, GET_SW_VERSION)')
    .argument('[VALUE...]', 'the command\'s values after pi, in table order (decimal or 0x hex)')
    .option('--id <N>', 'target board ID, 0..254')
    .option('--pi <P>', 'Pi number (0 or 1) for commands that address one Pi')
    .addHelpText('after', '\nExamples:\n  pistack encode GET_SW_VERSION --id 0\n  pistack encode pi-on --id 0 --pi 1\n  pistack encode SET_HBT_TIME --id 0 --pi 0 30\n  pistack encode DEBUG_LED --id 0 255 0 0');
  withJson(cmd).action(function (this: Command, commandText: string, values: string[], options: EncodeOptions) {
    const result = encodeFromCli(commandText, values, options);
    if (options.json) printJson(this, result);
    else printLines(this, [result.hex]);
  });
}
