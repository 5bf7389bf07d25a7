/**
 * `pistack tap --port DEVICE --pty PATH --out FILE`: put a recording man-in-the-middle between
 * a host program and a real bus (hil/tap.ts). The host program opens PATH instead of the
 * adapter; every byte both ways is recorded with its time. Runs until Ctrl-C or SIGTERM (exit 0),
 * or until the adapter goes away (exit 1); the session file always ends with a trailer saying why.
 */
import type { Command } from 'commander';
import { TapError, startTap, type TapHandle } from '../../hil/tap.ts';
import { onInterrupt } from '../hostCommand.ts';
import { CliError, printLines } from '../output.ts';
import { withOverwrite } from '../outputPaths.ts';

interface TapCliOptions {
  port?: string;
  pty?: string;
  out?: string;
  overwrite?: boolean;
}

/** Register `tap` on the program. */
export function register(program: Command): void {
  const cmd = program
    .command('tap')
    .description('record the traffic between a host program and a real bus: the program opens a PTY, tap forwards to the adapter')
    .option('--port <DEVICE>', 'the real bus: a serial device (/dev/ttyUSB0), tcp://HOST:PORT or rfc2217://HOST:PORT')
    .option('--pty <PATH>', 'create a PTY linked at PATH (via socat) for the host program to open instead of the adapter')
    .option('--out <FILE>', 'session file to write (JSON Lines, docs/session-format.md); must not exist (see --overwrite)');
  withOverwrite(cmd, 'the --out file')
    .addHelpText('after', '\nExample:\n  pistack tap --port /dev/ttyUSB0 --pty /tmp/ttyTAP --out session.jsonl\n  (then point the host program at /tmp/ttyTAP; Ctrl-C stops)')
    .action(async function (this: Command, options: TapCliOptions) {
      for (const [key, hint] of [['port', 'the real adapter, e.g. /dev/ttyUSB0'], ['pty', 'where to link the PTY, e.g. /tmp/ttyTAP'], ['out', 'the session file to write']] as const) {
        if (options[key] === undefined) throw new CliError(`missing "--${key}": ${hint}`);
      }
      const sig = onInterrupt();
      let handle: TapHandle;
      try {
        handle = await startTap({ device: options.port!, pty: options.pty!, out: options.out!, overwrite: options.overwrite === true });
      } catch (e) {
        sig.off();
        if (e instanceof TapError) throw new CliError(e.message);
        throw e;
      }
      printLines(this, [`tapping ${handle.device}: open ${handle.path} at 9600 8N1 instead of the adapter; recording to ${handle.out}`, 'Ctrl-C or SIGTERM stops']);
      const outcome = await Promise.race([sig.received.then((signal) => handle.stop('interrupted', signal)), handle.done]);
      sig.off();
      const s = handle.stats;
      printLines(this, [`stopped (${outcome.end}: ${outcome.reason}); recorded ${s.hostBytes} bytes host to bus, ${s.busBytes} bytes bus to host in ${handle.out}`]);
      if (outcome.end === 'disconnected') throw new CliError(`the bus link went away: ${outcome.reason} (was the adapter unplugged?)`);
      if (outcome.end === 'error') throw new CliError(`tap failed: ${outcome.reason}`);
    });
}
