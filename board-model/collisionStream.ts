/**
 * What one half-duplex RS-485 wire carries while transmissions overlap (PROTOCOL.md section 1,
 * FIRMWARE.md section 7): one byte per byte time, never two. Overlapping transmissions form a
 * cluster (overlap is transitive: A overlaps B overlaps C); the cluster's bytes in time order
 * become one stream: a byte no other transmission overlaps arrives as sent (bar line noise), a
 * stretch where two or more drivers fight arrives as garbage at wire rate, one byte per byte
 * time. Pure: the caller supplies the garbage and noise.
 */

/** One transmission of a cluster: who, when (ms), what. */
export interface ClusterMember {
  readonly node: string;
  readonly start: number;
  readonly end: number;
  readonly bytes: Uint8Array;
}

/** One byte of the merged stream: its wire slot (ms) and whether two drivers fought over it. */
export interface WireByte {
  /** When its first bit went out (ms); it arrives at lo + byteTimeMs. */
  readonly lo: number;
  readonly value: number;
  /** True when the byte is garbage from overlapping drivers. */
  readonly garbage: boolean;
}

/** Float slack (ms) so back-to-back transmissions computed by different sums never "overlap". */
export const EPSILON_MS = 1e-6;

/** True when two transmissions share wire time (back to back is not overlapping). */
export function overlapping(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end - EPSILON_MS && b.start < a.end - EPSILON_MS;
}

/**
 * The merged byte stream of a cluster, in time order. `garble(value)` turns a fought-over byte
 * into garbage (never the value itself); `noisy(value)` applies line noise to a clean byte.
 * Bytes of several members that fight over one stretch of wire become one garbage byte per
 * byte time: a byte is kept only when it starts once the previous kept byte has ended.
 */
export function mergeCluster(
  members: readonly ClusterMember[], byteTimeMs: number, garble: (value: number) => number, noisy: (value: number) => number,
): WireByte[] {
  const slots: { lo: number; value: number; fought: boolean; order: number }[] = [];
  let order = 0;
  for (const m of members) {
    for (let i = 0; i < m.bytes.length; i++) {
      const lo = m.start + i * byteTimeMs;
      const slot = { start: lo, end: lo + byteTimeMs };
      const fought = members.some((o) => o !== m && overlapping(slot, o));
      slots.push({ lo, value: m.bytes[i]!, fought, order: order++ });
    }
  }
  slots.sort((a, b) => a.lo - b.lo || a.order - b.order);
  const out: WireByte[] = [];
  let freeAt = Number.NEGATIVE_INFINITY;
  for (const s of slots) {
    // A clean byte overlaps no other driver, so it never overlaps a kept byte either.
    if (s.fought && s.lo < freeAt - EPSILON_MS) continue;
    out.push({ lo: s.lo, value: s.fought ? garble(s.value) : noisy(s.value), garbage: s.fought });
    freeAt = s.lo + byteTimeMs;
  }
  return out;
}

/** Split a merged stream into runs of back-to-back bytes (each run has uniform arrival times). */
export function contiguousRuns(stream: readonly WireByte[], byteTimeMs: number): WireByte[][] {
  const runs: WireByte[][] = [];
  let run: WireByte[] | undefined;
  for (const b of stream) {
    const prev = run?.[run.length - 1];
    if (run === undefined || prev === undefined || Math.abs(b.lo - (prev.lo + byteTimeMs)) > EPSILON_MS) {
      run = [];
      runs.push(run);
    }
    run.push(b);
  }
  return runs;
}
