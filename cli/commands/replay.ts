/**
 * `pistack replay FILE --port P [--timing recorded|asap] [--tolerance FILE] [--junit FILE]`:
 * send a recorded session's requests again and compare every reply with the recorded one
 * (hil/session/replay.ts). Prints a diff per mismatch and a summary; exit 1 on any mismatch.
 * The --junit and --record files are checked before replaying: never an input (the session, the
 * --tolerance file), never an existing file without --overwrite. A replay that does not run to its
 * end (lost link, Ctrl-C, an error) still writes its JUnit report, with the run as an <error>.
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../board-model/ConfigError.ts';
import { sessionExchanges } from '../../hil/session/exchanges.ts';
import { describeOutcome, replayExchanges, type ExchangeResult, type ReplayResult, type ReplayTiming } from '../../hil/session/replay.ts';
import { SessionFormatError, parseSession, type Session } from '../../hil/session/sessionFormat.ts';
import { DEFAULT_TOLERANCE, parseTolerance, type Tolerance } from '../../hil/session/tolerance.ts';
import { junitXml } from '../junit.ts';
import { CliError, ioOf, printJson, printLines, withJson } from '../output.ts';
import { runHost, withHostOptions, type HostOptions } from '../hostCommand.ts';
import { checkOutputFile, writeOutputFile, type InputFile } from '../outputPaths.ts';
import { readText } from '../simFiles.ts';

interface ReplayOptions extends HostOptions {
  timing?: string;
  tolerance?: string;
  junit?: string;
}

/** Load a session file; a bad one is a CliError with its line number. */
export function loadSession(path: string): Session {
  const text = readText(path, 'FILE');
  try {
    return parseSession(text, path);
  } catch (e) {
    if (e instanceof SessionFormatError) throw new CliError(e.message);
    throw e;
  }
}

function loadTolerance(path: string | undefined): Tolerance {
  if (path === undefined) return DEFAULT_TOLERANCE;
  try {
    return parseTolerance(readText(path, '--tolerance'), path);
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(`"--tolerance": invalid file:\n${e.message}`);
    throw e;
  }
}

function parseTiming(text: string | undefined): ReplayTiming {
  const t = (text ?? 'recorded').trim().toLowerCase();
  if (t === 'recorded' || t === 'asap') return t;
  throw new CliError(`"--timing" must be "recorded" (requests at their recorded times) or "asap" (back to back), got "${text}"`);
}

/** A mismatch as text lines: the exchange, then one line per field. */
export function mismatchLines(r: ExchangeResult): string[] {
  const e = r.exchange;
  return [
    `mismatch #${e.index} ${e.label} (line ${e.line}):`,
    ...r.diffs.map((d) => `  ${d.field}: recorded ${d.recorded}, now ${d.now}${d.detail ? `; ${d.detail}` : ''}`),
  ];
}

/** The JUnit report; `result.aborted` (the run did not reach its end) adds a testcase in error saying why. */
function junitReport(path: string, session: Session, port: string, timing: ReplayTiming, result: ReplayResult, total: number, started: Date): string {
  const exchanges = sessionExchanges(session).exchanges;
  const classname = `replay.${basename(path).replace(/\.[^.]*$/, '').replace(/[^\w-]/g, '_')}`;
  const aborted = result.aborted === undefined ? [] : [{
    name: 'replay run to its end', classname, timeSeconds: result.elapsedMs / 1000,
    error: { message: `aborted after ${result.results.length} of ${total} exchanges: ${result.aborted}`, type: 'aborted', text: `The replay did not run to its end: ${result.aborted}. ${total - result.results.length} exchanges were not run.` },
  }];
  const cases = exchanges.map((exchange, i) => {
    const r = result.results[i];
    const name = `#${exchange.index} ${exchange.label}`;
    if (r === undefined) return { name, classname, timeSeconds: 0, skipped: result.aborted ? `not run: ${result.aborted}` : 'not run' };
    const timeSeconds = (r.nowReplyMs ?? 0) / 1000;
    if (r.diffs.length === 0) return { name, classname, timeSeconds };
    const message = r.diffs.map((d) => `${d.field}: recorded ${d.recorded}, now ${d.now}`).join('; ');
    return { name, classname, timeSeconds, failure: { message, type: 'mismatch', text: mismatchLines(r).join('\n') } };
  });
  return junitXml({
    name: `pistack replay ${basename(path)} against ${port}`, timestamp: started, timeSeconds: result.elapsedMs / 1000,
    properties: { session: path, recordedOn: session.header.port, recordedAt: session.header.startedAt, port, timing, exchanges: String(total) },
    cases: [...aborted, ...cases],
  });
}

/** Register `replay` on the program. */
export function register(program: Command): void {
  const cmd = program
    .command('replay')
    .description('send a recorded session again and compare every reply with the recording (exit 1 on any difference)')
    .argument('<FILE>', 'session file (JSON Lines, docs/session-format.md)')
    .option('--timing <MODE>', 'recorded: each request at its recorded offset, reply times checked; asap: back to back, reply times not checked', 'recorded')
    .option('--tolerance <FILE>', 'JSON overriding the default bands: {"replyTimeMs", "analog": {"percent", "counts"}, "power": {...}, "commands": {"GET_VIN": {...}}}')
    .option('--junit <FILE>', 'also write a JUnit XML report (one testcase per exchange) for CI')
    .addHelpText('after', '\nDefaults: analog readings within 3 % or 50 counts (power readings 6 % or 50 x 65535 counts),\nreply times within 20 ms, everything else exact.\n\nExample:\n  pistack status --port sim: --id 3 --record s.jsonl && pistack replay s.jsonl --port sim:');
  withJson(withHostOptions(cmd, 'the --junit and --record files')).action(async function (this: Command, file: string, options: ReplayOptions) {
    const timing = parseTiming(options.timing);
    const tolerance = loadTolerance(options.tolerance);
    const session = loadSession(file);
    const { exchanges, warnings } = sessionExchanges(session);
    const io = ioOf(this);
    for (const w of [...session.warnings, ...warnings]) io.err(`warning: ${w}\n`);
    if (exchanges.length === 0) throw new CliError(`${file}: no requests to replay`);
    const overwrite = options.overwrite === true;
    const inputs: InputFile[] = [{ path: file, what: 'the session file being replayed' }, { path: options.tolerance, what: 'the --tolerance file' }];
    if (options.record !== undefined) checkOutputFile(options.record, '--record', { overwrite, inputs });
    if (options.junit !== undefined) checkOutputFile(options.junit, '--junit', { overwrite, inputs: [...inputs, { path: options.record, what: 'the --record file' }] });
    const started = new Date();
    const done: ExchangeResult[] = [];
    const report = (result: ReplayResult): void => {
      if (options.junit !== undefined) writeOutputFile(options.junit, junitReport(file, session, options.port!, timing, result, exchanges.length, started), '--junit', overwrite);
    };
    let result: ReplayResult;
    try {
      result = await runHost(options, ({ client, port }) =>
        replayExchanges(exchanges, client, port.clock, {
          timing, tolerance,
          onResult: (r: ExchangeResult) => {
            done.push(r);
            if (!options.json && r.diffs.length) printLines(this, mismatchLines(r));
          },
        }),
        { command: 'replay', tolerance: tolerance as unknown as Record<string, unknown> },
      );
    } catch (e) {
      // Interrupted or failed: the JUnit report still says what ran, and that the run did not finish.
      const why = e instanceof Error ? e.message : String(e);
      try {
        report({ results: done, mismatched: done.filter((r) => r.diffs.length).length, notRun: exchanges.length - done.length, aborted: why, elapsedMs: 0 });
      } catch (written) {
        io.err(`warning: ${(written as Error).message}\n`);
      }
      throw e;
    }
    report(result);
    const matched = result.results.length - result.mismatched;
    if (options.json) {
      printJson(this, {
        session: file, port: options.port, timing, exchanges: exchanges.length, matched, mismatched: result.mismatched, notRun: result.notRun,
        aborted: result.aborted ?? null, elapsedMs: Math.round(result.elapsedMs * 10) / 10,
        mismatches: result.results.filter((r) => r.diffs.length).map((r) => ({
          index: r.exchange.index, line: r.exchange.line, request: r.exchange.label, recorded: describeOutcome(r.recorded, r.exchange.command), now: describeOutcome(r.now, r.exchange.command), diffs: r.diffs,
        })),
      });
    } else {
      printLines(this, [
        `replayed ${exchanges.length} exchange${exchanges.length === 1 ? '' : 's'} of ${file} (recorded on ${session.header.port} at ${session.header.startedAt}) against ${options.port}, timing ${timing}`,
        `${matched} matched, ${result.mismatched} mismatched${result.notRun ? `, ${result.notRun} not run` : ''} in ${(result.elapsedMs / 1000).toFixed(2)} s${port(session)}`,
      ]);
    }
    if (result.aborted) throw new CliError(`replay stopped after ${result.results.length} of ${exchanges.length} exchanges: ${result.aborted}`);
    if (result.mismatched > 0) throw new CliError(`${result.mismatched} of ${exchanges.length} exchanges differ from the recording`);
  });
}

function port(session: Session): string {
  return session.header.clock === 'virtual' ? ' (recorded in virtual time)' : '';
}
