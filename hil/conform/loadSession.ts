/**
 * Reading any recording the rig makes as a session for conform: a session file (`--record`,
 * `tap --out`, docs/session-format.md) or a fuzz regression file (`fuzz --out`, its embedded
 * session; a run on hardware records the real board). Node only.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../board-model/ConfigError.ts';
import { parseRegression, regressionSession, REGRESSION_FORMAT } from '../../fuzz/regressions/regressionFile.ts';
import { SESSION_FORMAT, SessionFormatError, parseSession, type Session } from '../session/sessionFormat.ts';
import { ConformInputError } from './startingPoint.ts';

/** Load one recording; throws ConformInputError naming the file and what is wrong with it. */
export function loadRecording(path: string): Session {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConformInputError(`${path}: cannot read: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
  try {
    const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
    if (!firstLine.includes(SESSION_FORMAT) && text.includes(REGRESSION_FORMAT)) {
      return regressionSession(parseRegression(JSON.parse(text) as unknown, path), path);
    }
    return parseSession(text, path);
  } catch (e) {
    if (e instanceof SessionFormatError || e instanceof ConfigError) throw new ConformInputError(e.message);
    if (e instanceof SyntaxError) throw new ConformInputError(`${path}: neither a session file nor a fuzz regression file (${e.message})`);
    throw e;
  }
}
