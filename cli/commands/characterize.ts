/**
 * `pistack characterize --port P --id N --out PROFILE.json`: measure a live board's ASSUMED
 * behaviours over the bus (hil/characterize/), restore every setting touched, write a partial
 * firmware profile over v4-reference that `--profile` loads, and print what was found next to
 * the reference values. `--out` is checked before measuring and never replaced without
 * `--overwrite`; Ctrl-C restores the settings and exits 130 (SIGTERM 143) without a profile.
 */
import type { Command } from 'commander';
import { ConfigError } from '../../board-model/ConfigError.ts';
import { characterize, type CharacterizeResult } from '../../hil/characterize/characterize.ts';
import { checkProfile, compare, profileFrom, tableLines } from '../../hil/characterize/profileOut.ts';
import { interruptExitCode, openBoardPort, withBoardPortOptions, withInterrupt, type BoardPortOptions } from '../boardPort.ts';
import { CliError, ioOf, parseInteger, printJson, printLines } from '../output.ts';
import { checkOutputFile, withOverwrite, writeOutputFile } from '../outputPaths.ts';

interface CharacterizeCliOptions extends BoardPortOptions {
  out?: string;
  pi?: string;
  name?: string;
  poll?: string;
  json?: boolean;
  overwrite?: boolean;
  quiet?: boolean;
}

/** The text report: table, raw figures, caveats, what could not be measured, what was restored. */
function reportLines(result: CharacterizeResult, out: string): string[] {
  // Raw figures where the table shows a rounded value (timings), and whatever was not settled.
  const details = result.findings.filter((f) => f.value === undefined || /^settingUnitMs\.|Ms$/.test(f.field));
  const notes = new Map<string, string[]>();
  for (const f of result.findings) if (f.note) notes.set(f.note, [...(notes.get(f.note) ?? []), f.field]);
  return [
    `board ${result.id} on ${result.port}; timing on Pi ${result.pi}`,
    '',
    ...tableLines(compare(result.findings)),
    '',
    'measured:',
    ...details.map((f) => `  ${f.field}: ${f.measured} (${f.how})`),
    '',
    'notes:',
    ...[...notes].map(([text, fields]) => `  ${fields.length > 3 ? `${fields[0]} and ${fields.length - 1} more` : fields.join(', ')}: ${text}`),
    '',
    'not measured:',
    ...result.unobserved.map((u) => `  ${u.field}: ${u.why}`),
    '',
    `resolution: GET_PI_POWERED polled every ${result.pollMs} ms, so each timed edge is known to +-${result.pollMs / 2} ms (units: that over the number of units timed)`,
    `restored: ${result.restored.length ? result.restored.map((r) => `${r.setting} pi${r.pi} = ${r.value}${r.ok ? '' : ' (FAILED)'}`).join(', ') : 'nothing was changed'}`,
    `took ${(result.boardMs / 1000).toFixed(1)} s on the board's clock, ${(result.wallMs / 1000).toFixed(1)} s wall time`,
    `profile written to ${out} (partial, base v4-reference): run the simulator with --profile ${out}`,
  ];
}

async function run(cmd: Command, options: CharacterizeCliOptions): Promise<void> {
  const io = ioOf(cmd);
  if (options.out === undefined) throw new CliError('missing "--out": give the file to write the measured profile to, e.g. --out board3.json');
  const pi = options.pi === undefined ? undefined : (parseInteger(options.pi, '--pi', { min: 0, max: 1, hint: 'each board has Pi 0 and Pi 1' }) as 0 | 1);
  const pollMs = options.poll === undefined ? undefined : parseInteger(options.poll, '--poll', { min: 10, max: 1000 });
  const overwrite = options.overwrite === true;
  checkOutputFile(options.out, '--out', { overwrite, inputs: [{ path: options.profile, what: 'the --profile file' }, { path: options.stack, what: 'the --stack file' }] });
  const opened = await openBoardPort(options);
  let result: CharacterizeResult;
  let stop: AbortSignal | undefined;
  try {
    result = await withInterrupt((line) => io.err(`${line}\n`), (signal) =>
      characterize({
        port: opened.port, id: opened.id, signal: (stop = signal),
        ...(pi === undefined ? {} : { pi }),
        ...(pollMs === undefined ? {} : { pollMs }),
        ...(opened.replyTimeoutMs === undefined ? {} : { replyTimeoutMs: opened.replyTimeoutMs }),
        onNote: (text) => (options.quiet ? undefined : io.err(`characterize: ${text}\n`)),
      }),
    );
  } catch (error) {
    if (error instanceof Error && !(error instanceof CliError)) throw new CliError(`board ${opened.id}: ${error.message}`);
    throw error;
  } finally {
    await opened.port.close();
  }
  if (result.pending.length > 0) {
    io.err(`warning: not restored: ${result.pending.map((p) => `${p.setting} pi${p.pi} should be ${p.original}`).join(', ')}\n`);
  }
  if (result.stopped !== undefined) {
    throw new CliError(`stopped before the end (${result.stopped}); no profile written`, stop?.aborted ? interruptExitCode(stop) : 1);
  }
  const profile = profileFrom(result, options.name ?? `measured-board-${result.id}`);
  try {
    checkProfile(profile, options.out);
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(`the measured profile does not validate (a bug):\n${e.message}`);
    throw e;
  }
  writeOutputFile(options.out, `${JSON.stringify(profile, null, 2)}\n`, '--out', overwrite);
  if (options.json) printJson(cmd, { ...result, comparison: compare(result.findings), profile, out: options.out });
  else printLines(cmd, reportLines(result, options.out));
}

/** Register `characterize` on the program. */
export function register(program: Command): void {
  withOverwrite(withBoardPortOptions(
    program
      .command('characterize')
      .description("measure a board's firmware behaviour over the bus and write it as a firmware profile (restores every setting it touches)"),
  )
    .option('--out <FILE>', 'write the measured profile (partial, over v4-reference) here; must not exist (see --overwrite)'), 'the --out file')
    .option('--pi <P>', 'port to time power behaviour on (default: the first one that is off); it is switched on and off')
    .option('--name <NAME>', 'name of the written profile (default measured-board-<id>)')
    .option('--poll <MS>', 'GET_PI_POWERED polling interval for timings, ms (default 50)')
    .option('--json', 'print the findings, comparison and profile as JSON')
    .option('--quiet', 'no progress notes on stderr, only the report')
    .action(async function (this: Command, options: CharacterizeCliOptions) {
      await run(this, options);
    });
}
