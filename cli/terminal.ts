/**
 * What the terminal gets: live progress (a bar or line redrawn in place with escape codes) only
 * on an interactive stderr. Never when stderr is a pipe or file, when NO_COLOR is set to
 * anything (no-color.org: no colour or other escape codes), when TERM is "dumb", or with
 * PISTACK_PROGRESS=plain; then commands print plain lines, or nothing with --quiet. pistack
 * prints no colour anywhere.
 */

/** The environment variables read (a subset of process.env). */
export type TerminalEnv = Readonly<Record<string, string | undefined>>;

/** True when a progress display may redraw in place on `stream` (default process.stderr). */
export function liveProgress(env: TerminalEnv = process.env, stream: { isTTY?: boolean } = process.stderr): boolean {
  if (stream.isTTY !== true) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return env['PISTACK_PROGRESS'] !== 'plain';
}
