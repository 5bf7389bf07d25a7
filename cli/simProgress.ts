/**
 * The progress line of a long simulator run (`pistack sim`): virtual time reached, speed over
 * real time and the time left, redrawn in place on a terminal's stderr. Drawn only once the
 * run has taken SHOW_AFTER_MS of wall time, only on a TTY, never with --quiet; erased before
 * the summary is printed.
 */
import { formatDuration } from '../board-model/duration.ts';

/** A run shorter than this (ms of wall time) shows no progress at all. */
export const SHOW_AFTER_MS = 2000;

/** Redraw at most this often (ms of wall time). */
const REDRAW_MS = 250;

/** Where and when the progress line is drawn; `now` is a wall clock in ms (injected for tests). */
export interface ProgressTarget {
  /** The line is drawn only when true (stderr is a terminal and --quiet was not given). */
  readonly enabled: boolean;
  write(text: string): void;
  now(): number;
}

/** Wall time as people read it: "45s", "3m20s", "2h05m". */
function wallText(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The text of one progress line: "sim: 1h00m00s of 24h00m00s (4.2%), 12,345x real time, ETA 1m10s". */
export function progressText(virtualMs: number, totalMs: number, wallMs: number): string {
  const ratio = virtualMs / Math.max(wallMs, 1);
  const percent = totalMs > 0 ? (100 * virtualMs) / totalMs : 100;
  const eta = ratio > 0 ? wallText((totalMs - virtualMs) / ratio) : '?';
  return `sim: ${formatDuration(Math.floor(virtualMs / 1000) * 1000)} of ${formatDuration(totalMs)} (${percent.toFixed(1)}%), ${Math.round(ratio).toLocaleString('en')}x real time, ETA ${eta} (Ctrl-C stops with the summary so far)`;
}

/** Draws and erases the progress line of one run. */
export class SimProgress {
  private readonly started: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(private readonly target: ProgressTarget, private readonly totalMs: number) {
    this.started = target.now();
  }

  /** Report the virtual time reached (ms); draws when due. */
  update(virtualMs: number): void {
    if (!this.target.enabled) return;
    const now = this.target.now();
    const wall = now - this.started;
    if (wall < SHOW_AFTER_MS || now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    this.drawn = true;
    this.target.write(`\r${progressText(virtualMs, this.totalMs, wall)}\x1b[K`);
  }

  /** Erase the line (before the summary). */
  clear(): void {
    if (this.drawn) this.target.write('\r\x1b[K');
    this.drawn = false;
  }
}
