/**
 * The PTY side of a full transmit FIFO (`pistack serve --pty`). A PTY has no disconnect signal
 * (socat keeps both ends open), and while the FIFO holds the link back the kernel and socat
 * buffer about 36 KiB more of the host's bytes: a host that flooded and left would block the
 * next one for the half minute that takes at 9600 baud. A real adapter's driver discards what
 * a closing writer left unsent; here, while the link is held, the host's terminal is checked
 * every PEER_CHECK_MS, and once no program but socat has it open, every byte still on the way
 * (FIFO, read-ahead, the OS buffer of our end) is discarded, until the pipeline is empty.
 */
import type { PacedLink } from '../PacedLink.ts';
import type { SerialTransport } from '../SerialTransport.ts';
import { ttyOpenedByOthers } from './peerGone.ts';
import { PEER_CHECK_MS } from './SocketLink.ts';

/** What watchHeldPty needs. */
export interface HeldPtyOptions {
  /** The bridge whose FIFO holds the link back. */
  bridge: PacedLink;
  /** Our end of the PTY pair. */
  transport: SerialTransport;
  /** The host's terminal, e.g. /dev/pts/3 (what the link at PATH points to). */
  tty: string;
  /** PIDs that hold the terminal without being a host (socat). */
  except: ReadonlySet<number>;
  /** Told once each time a departed host's bytes start being discarded. */
  log: (line: string) => void;
}

/** Start watching; returns the function that stops it. */
export function watchHeldPty(options: HeldPtyOptions): () => void {
  const { bridge, transport, tty, except, log } = options;
  let checking = false;
  let discarding = false;
  const holders = new Set<number>();
  const check = async (): Promise<void> => {
    if (!bridge.held) {
      discarding = false;
      return;
    }
    if ((await ttyOpenedByOthers(tty, except, undefined, holders)) !== false || !bridge.held) return;
    if (!discarding) log(`warning: the host closed ${tty} with bytes unsent: discarding them (as a serial driver does on close)`);
    discarding = true;
    bridge.discard(await transport.discardInput());
  };
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    check().catch(() => undefined).finally(() => (checking = false));
  }, PEER_CHECK_MS).unref();
  return () => clearInterval(timer);
}
