/**
 * Progress of `pistack fuzz` on stderr: a cli-progress bar (runs, failures, model coverage so
 * far) when live progress is allowed (cli/terminal.ts: a terminal, no NO_COLOR), otherwise a
 * plain line every few seconds and at the end; nothing but failures with --quiet.
 */
import cliProgress from 'cli-progress';
import type { Io } from './output.ts';
import { liveProgress } from './terminal.ts';

/** The figures shown. */
export interface FuzzFigures {
  runs: number;
  failures: number;
  /** Model coverage of transitions so far, e.g. "62/68 (91.2 %)", or '' without a simulator. */
  coverage: string;
}

/** A progress display for a campaign of `total` runs (or `totalMs` of wall time for a timed one). */
export interface FuzzProgress {
  /** Print a message (a failure) without garbling the bar. */
  note(text: string): void;
  update(figures: FuzzFigures): void;
  stop(figures: FuzzFigures): void;
}

/** Plain lines: at most one every `everyMs` (wall time), and a last one at stop. */
function plainProgress(io: Io, total: string, everyMs: number): FuzzProgress {
  let last = performance.now();
  const line = (f: FuzzFigures): string => `fuzz: ${f.runs}${total} runs, ${f.failures} failure${f.failures === 1 ? '' : 's'}${f.coverage ? `, coverage ${f.coverage} transitions` : ''}\n`;
  return {
    note: (text) => io.err(text),
    update(f) {
      const now = performance.now();
      if (now - last < everyMs) return;
      last = now;
      io.err(line(f));
    },
    stop(f) {
      io.err(line(f));
    },
  };
}

/** A bar on a terminal: progress by runs (`total`) or by elapsed time (`totalMs`). */
function barProgress(io: Io, options: { total?: number; totalMs?: number }, columns: number): FuzzProgress {
  const stream = { isTTY: true, columns, write: (s: string) => (io.err(s), true) } as unknown as NodeJS.WriteStream;
  const byTime = options.total === undefined;
  const bar = new cliProgress.SingleBar({
    stream, hideCursor: true, clearOnComplete: false, barsize: 30,
    format: `fuzz [{bar}] ${byTime ? '{elapsed}s' : '{value}/{total} runs'} | {failures} failures | coverage {coverage}`,
  }, cliProgress.Presets.shades_classic);
  const started = performance.now();
  bar.start(byTime ? Math.round((options.totalMs ?? 0) / 1000) : options.total!, 0, { failures: 0, coverage: '-', elapsed: 0 });
  const value = (f: FuzzFigures) => (byTime ? Math.round((performance.now() - started) / 1000) : f.runs);
  const payload = (f: FuzzFigures) => ({ failures: f.failures, coverage: f.coverage || '-', elapsed: Math.round((performance.now() - started) / 1000) });
  return {
    note(text) {
      io.err(`\r\x1b[2K${text}`); // clear the bar's line; it is drawn again at the next update
    },
    update(f) {
      bar.update(value(f), payload(f));
    },
    stop(f) {
      bar.update(value(f), payload(f));
      bar.stop();
    },
  };
}

/** Failures only (--quiet). */
function quietProgress(io: Io): FuzzProgress {
  return { note: (text) => io.err(text), update: () => undefined, stop: () => undefined };
}

/** The display for this terminal (or not); `quiet`: failures only. */
export function fuzzProgress(io: Io, options: { total?: number; totalMs?: number; quiet?: boolean }): FuzzProgress {
  if (options.quiet) return quietProgress(io);
  if (liveProgress()) return barProgress(io, options, process.stderr.columns ?? 80);
  return plainProgress(io, options.total === undefined ? '' : `/${options.total}`, 5000);
}
