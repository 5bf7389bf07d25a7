/** Run the pistack CLI in-process for tests, capturing stdout, stderr and the exit code. */
import { run } from '../pistack.ts';

/** What one CLI run produced. */
export interface Ran {
  code: number;
  out: string;
  err: string;
}

/** Run `pistack ...args` in-process. */
export async function cli(...args: string[]): Promise<Ran> {
  let out = '';
  let err = '';
  const code = await run(args, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}
