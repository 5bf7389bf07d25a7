/** `pistack decode <HEX...>`: decode request and response frames from hex. */
import type { Command } from 'commander';
import { HexParseError, fromHex } from '../../bus-protocol/index.ts';
import { decodeFrames } from '../decodeFrames.ts';
import { CliError, printJson, printLines, withJson } from '../output.ts';
import { resolveCommand } from '../resolveCommand.ts';

interface DecodeOptions {
  replyTo?: string;
  json?: boolean;
}

/** Parse the hex words given on the command line into bytes; bad hex is a CliError. */
export function bytesFromArgs(words: readonly string[]): Uint8Array {
  try {
    const bytes = fromHex(words.join(' '));
    if (bytes.length === 0) throw new CliError('"HEX": no bytes given');
    return bytes;
  } catch (e) {
    if (e instanceof HexParseError) throw new CliError(`"HEX": bad hex: ${e.message}`);
    throw e;
  }
}

/** Register `decode` on the program. */
export function register(program: Command): void {
  const cmd = program
    .command('decode')
    .description('decode frames from hex, requests and responses (byte 1 = 0xFF), several back to back')
    .argument('<HEX...>', 'frame bytes: "02 00 03 AD", 020003ad, 0x02,0x00,... (all words are concatenated)')
    .option('--reply-to <COMMAND>', 'decode response payloads as replies to this command (default: the request just before them)')
    .addHelpText('after', '\nExamples:\n  pistack decode 02 00 03 AD\n  pistack decode 020003AD 00FF040488\n  pistack decode --reply-to GET_VIN 00 FF 05 12 34 7C');
  withJson(cmd).action(function (this: Command, words: string[], options: DecodeOptions) {
    const replyTo = options.replyTo === undefined ? undefined : resolveCommand(options.replyTo, '--reply-to');
    const { frames, error } = decodeFrames(bytesFromArgs(words), replyTo);
    if (options.json) printJson(this, frames.map((f) => f.json));
    else printLines(this, frames.map((f) => f.text));
    if (error) throw new CliError(error);
  });
}
