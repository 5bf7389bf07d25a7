/**
 * A lab's own recordings in fixtures/sessions/: every `NAME.jsonl` that is not a stand-in
 * (`standin-*`) is a session recorded against a real board, and the model must reproduce it:
 * replayed in virtual time with its recorded timing, no reply may differ. Optional files beside
 * it say what the board was: `NAME.profile.json` (its firmware profile, default v4-reference),
 * `NAME.stack.json` (the stack, default the built-in 16-board stack), `NAME.tolerance.json`
 * (replay tolerances, default the replay's).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { profileFromText, V4_REFERENCE } from '../../board-model/profiles.ts';
import { DEFAULT_STACK, stackFromText } from '../../board-model/stack.ts';
import { replayInModel } from '../session/modelReplay.ts';
import { parseSession } from '../session/sessionFormat.ts';
import { parseTolerance } from '../session/tolerance.ts';

/** Prefix of the stand-in recordings (not real boards; standins.test.ts checks them). */
export const STANDIN_PREFIX = 'standin-';

/** The lab recordings in `dir`: `*.jsonl` not starting with STANDIN_PREFIX, sorted. */
export function labSessionFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n.endsWith('.jsonl') && !n.startsWith(STANDIN_PREFIX)).sort().map((n) => join(dir, n));
}

/** What replaying one lab recording in the model gave. */
export interface LabCheck {
  readonly file: string;
  readonly profile: string;
  readonly exchanges: number;
  readonly mismatched: number;
  /** The first difference in words, when there is one. */
  readonly first: string | undefined;
}

function beside(file: string, suffix: string): string | undefined {
  const path = file.replace(/\.jsonl$/, suffix);
  return existsSync(path) ? path : undefined;
}

/** Replay `file` in the model with the profile, stack and tolerance files beside it. */
export async function checkLabSession(file: string): Promise<LabCheck> {
  const session = parseSession(readFileSync(file, 'utf8'), file);
  const profilePath = beside(file, '.profile.json');
  const stackPath = beside(file, '.stack.json');
  const tolerancePath = beside(file, '.tolerance.json');
  const profile = profilePath === undefined ? V4_REFERENCE : profileFromText(readFileSync(profilePath, 'utf8'), profilePath);
  const stack = stackPath === undefined ? DEFAULT_STACK : stackFromText(readFileSync(stackPath, 'utf8'), stackPath, { defaultProfile: profile });
  const replay = await replayInModel(session, {
    stack, profile, ...(tolerancePath === undefined ? {} : { tolerance: parseTolerance(readFileSync(tolerancePath, 'utf8'), tolerancePath) }),
  });
  const m = replay.results.find((r) => r.diffs.length > 0);
  const first = replay.aborted ?? (m === undefined ? undefined : `#${m.exchange.index} ${m.exchange.label} (line ${m.exchange.line}): ${m.diffs.map((d) => `${d.field} recorded ${d.recorded}, model ${d.now}`).join('; ')}`);
  return { file, profile: profile.name, exchanges: replay.exchanges, mismatched: replay.mismatched + replay.notRun, first };
}
