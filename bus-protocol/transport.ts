/**
 * The byte transport contract (types only). Serial adapters, TCP links, the in-process
 * simulator and replays implement it; the host client needs nothing more.
 *
 * Rules:
 * - write() resolves when the bytes have been handed to the link (not when they are on the wire);
 *   it rejects when the link is closed or gone.
 * - Every received byte is delivered exactly once, in order, to every data listener, in chunks of
 *   any size (a reply may arrive split, or several replies glued together).
 * - A transport never echoes the host's own bytes back (PROTOCOL.md section 1).
 * - When the link goes away (unplugged adapter, closed socket), close listeners are called once
 *   with the reason; later writes reject.
 * - close() is idempotent and resolves once the link is released.
 */
export interface ByteTransport {
  /** Human description of where this goes (device path, tcp://host:port, sim:). */
  readonly description: string;
  /** Send bytes toward the bus. */
  write(bytes: Uint8Array): Promise<void>;
  /** Subscribe to received bytes; returns an unsubscribe function. */
  onData(listener: (bytes: Uint8Array) => void): () => void;
  /** Subscribe to the link going away; returns an unsubscribe function. */
  onClose(listener: (reason: string) => void): () => void;
  /** Release the link. */
  close(): Promise<void>;
}
