/**
 * A half-duplex multi-drop RS-485 bus in virtual time (PROTOCOL.md section 1, FIRMWARE.md
 * section 7). Nodes (the host adapter, each board) transmit whenever they like: there is no
 * carrier sense, so two transmissions can overlap and then corrupt each other's bytes.
 *
 * For speed a transmission is delivered once, at its end, to every other node, with per-byte
 * arrival times so receivers can still judge inter-byte gaps. Overlapping transmissions (a
 * collision) are one wire: they are delivered together, at the end of the last of them, as one
 * garbled byte stream at wire rate (collisionStream.ts). Overlap is decidable at the end of each
 * transmission: anything overlapping it must start before it ends, and so has already called
 * transmit() (a queued transmission is registered, with its future start, at call time).
 */
import type { Clock } from '../bus-protocol/clock.ts';
import { contiguousRuns, EPSILON_MS, mergeCluster, overlapping } from './collisionStream.ts';
import { createRandom, type Random } from './random.ts';

/**
 * One transmission as a receiving node gets it. Every receiver gets the same object (one per
 * transmission, not one per node: a full bus has 255 receivers), so treat it as read-only and
 * copy the bytes to keep or change them.
 */
export interface Delivery {
  /** Bytes as received: collided bytes are garbage, noise may have flipped bits. Shared: do not modify. */
  readonly bytes: Uint8Array;
  /** Time the last bit of byte 0 arrived (ms); byte i arrived at firstByteAt + i * byteTimeMs. */
  readonly firstByteAt: number;
  /** Wire time of one byte (ms). */
  readonly byteTimeMs: number;
  /** Time the last byte arrived (ms); the delivery happens at this time. */
  readonly endAt: number;
  /** Name of the transmitting node (of a collision: the node that started first; `overlaps` names them all). */
  readonly from: string;
  /** True when at least one byte is garbage from overlapping transmissions. */
  readonly collided: boolean;
  /** Every transmission of a collision (only then), for heardBy(): each node hears what did not overlap its own. */
  readonly overlaps?: readonly { readonly from: string; readonly start: number; readonly end: number }[];
}

/**
 * What one node hears of a delivery. RS-485 transceivers here are half duplex: a node's
 * receiver is off while it drives the bus, so bytes that overlap its own transmission never
 * reach it. Returns the delivery itself, or the runs of bytes the node did hear (maybe none).
 */
export function heardBy(delivery: Delivery, node: string): Delivery[] {
  const own = delivery.overlaps?.filter((o) => o.from === node);
  if (own === undefined || own.length === 0) return [delivery];
  const bt = delivery.byteTimeMs;
  const deaf = (i: number): boolean => {
    const hi = delivery.firstByteAt + i * bt;
    const lo = hi - bt;
    return own.some((o) => lo < o.end - EPSILON_MS && o.start < hi - EPSILON_MS);
  };
  const parts: Delivery[] = [];
  const n = delivery.bytes.length;
  for (let a = 0; a < n; ) {
    if (deaf(a)) {
      a++;
      continue;
    }
    let b = a;
    while (b < n && !deaf(b)) b++;
    const firstByteAt = delivery.firstByteAt + a * bt;
    parts.push({ ...delivery, bytes: delivery.bytes.slice(a, b), firstByteAt, endAt: firstByteAt + (b - a - 1) * bt });
    a = b;
  }
  return parts;
}

/** Everything about one transmission, reported to onTransmission listeners after delivery. */
export interface TransmissionRecord {
  /** Name of the transmitting node. */
  readonly from: string;
  /** Time the first bit went out (ms). */
  readonly start: number;
  /** Time the last bit went out (ms). */
  readonly end: number;
  /** Bytes as sent (do not modify). */
  readonly bytes: Uint8Array;
  /**
   * Bytes as delivered to the other nodes (the array they got, the same as `bytes` when nothing
   * changed them: do not modify). In a collision: the bytes of the merged wire stream that
   * started within this transmission's time, at most one per byte time.
   */
  readonly received: Uint8Array;
  /** True when at least one byte overlapped another transmission. */
  readonly collided: boolean;
}

/** When a transmission occupies the wire (ms). */
export interface TransmitTiming {
  /** Time the first bit goes out (ms). */
  readonly start: number;
  /** Time the last bit goes out, i.e. when it is delivered (ms). */
  readonly end: number;
}

/** A node's handle on the bus. */
export interface BusNode {
  /** Name given to attach(); unique on the bus. */
  readonly name: string;
  /** Queue bytes for sending: starts now, or when this node's previous transmission ends (a UART queue). */
  transmit(bytes: Uint8Array): TransmitTiming;
  /** Time this node's own transmit queue is empty (ms; now() when idle). */
  readonly busyUntil: number;
  /**
   * End time (ms) of the latest transmission by another node that started before t (ms) and is
   * not delivered yet, or undefined. Lets a receiver's gap timer know bytes are still on the way.
   */
  incomingUntil(t: number): number | undefined;
  /** Stop receiving; bytes already queued still go out. Later transmit() calls throw. */
  detach(): void;
}

/** Counters since the bus was made (delivered transmissions only). */
export interface BusStats {
  /** Transmissions delivered. */
  transmissions: number;
  /** Bytes delivered (each transmission counted once, not per receiver). */
  bytes: number;
  /** Transmissions delivered with at least one collided byte (two overlapping count 2). */
  collisions: number;
  /** Bytes that had a bit flipped by line noise. */
  noisyBytes: number;
}

/** Bus settings; only `clock` is required. */
export interface Rs485BusOptions {
  /** Source of time and timers (ms). */
  clock: Clock;
  /** Bits per second; default 9600 (PROTOCOL.md section 1). */
  baud?: number;
  /** Bit-times per byte on the wire; default 10 (8N1). */
  bitsPerByte?: number;
  /** Seeded randomness for garbage and noise; default createRandom(1). */
  random?: Random;
  /** Probability (0..1) per delivered byte of one flipped bit; default 0. */
  noise?: number;
}

interface Transmission {
  readonly node: string;
  readonly start: number;
  readonly end: number;
  readonly bytes: Uint8Array;
  delivered: boolean;
}

interface Attached {
  readonly name: string;
  readonly receive: ((delivery: Delivery) => void) | undefined;
  queueEnd: number;
  attached: boolean;
}

function checkRate(rate: number, what: string): number {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`Rs485Bus: "${what}" must be a probability 0..1, got ${rate}`);
  return rate;
}

/** The shared wire: attach nodes, transmit, observe. */
export class Rs485Bus {
  /** The clock everything on this bus runs on. */
  readonly clock: Clock;
  /** Bits per second. */
  readonly baud: number;
  /** Wire time of one byte (ms): bitsPerByte * 1000 / baud, 1.0417 ms at 9600 8N1. */
  readonly byteTimeMs: number;
  /** Counters; read freely, never reset. */
  readonly stats: BusStats = { transmissions: 0, bytes: 0, collisions: 0, noisyBytes: 0 };
  /** Attached nodes; replaced, never changed in place, so a delivery can walk it while nodes come and go. */
  #nodes: readonly Attached[] = [];
  /** The attached nodes that receive, in attach order; replaced like #nodes. */
  #receivers: readonly Attached[] = [];
  /** Pending transmissions plus delivered ones that a pending one may still overlap. */
  readonly #recent: Transmission[] = [];
  /** Transmission listeners; replaced, never changed in place (as #nodes). */
  #listeners: ReadonlyArray<(record: TransmissionRecord) => void> = [];
  readonly #garbage: Random;
  readonly #noiseRandom: Random;
  #noise: number;

  /** Make a bus; see Rs485BusOptions. */
  constructor(options: Rs485BusOptions) {
    this.clock = options.clock;
    this.baud = options.baud ?? 9600;
    const bits = options.bitsPerByte ?? 10;
    if (!(this.baud > 0) || !Number.isFinite(this.baud)) throw new RangeError(`Rs485Bus: "baud" must be a positive number, got ${this.baud}`);
    if (!(bits > 0) || !Number.isFinite(bits)) throw new RangeError(`Rs485Bus: "bitsPerByte" must be a positive number, got ${bits}`);
    this.byteTimeMs = (bits * 1000) / this.baud;
    const random = options.random ?? createRandom(1);
    // Separate streams, so switching noise on does not change which garbage a collision makes.
    this.#garbage = random.fork('rs485 collision garbage');
    this.#noiseRandom = random.fork('rs485 line noise');
    this.#noise = checkRate(options.noise ?? 0, 'noise');
  }

  /** Current line-noise probability per delivered byte (0..1). */
  get noise(): number {
    return this.#noise;
  }

  /** Fault injection: set the probability (0..1) that a delivered byte has one bit flipped. */
  setNoise(rate: number): void {
    this.#noise = checkRate(rate, 'rate');
  }

  /** Time the wire is next idle (ms): the end of the last pending transmission, or now(). */
  get busyUntil(): number {
    let until = this.clock.now();
    for (const tx of this.#recent) if (!tx.delivered && tx.end > until) until = tx.end;
    return until;
  }

  /** Names of the attached nodes, in attach order. */
  get nodeNames(): string[] {
    return this.#nodes.map((n) => n.name);
  }

  /**
   * Attach a node; `receive` gets every other node's transmission at its end time. Without it
   * the node only transmits (a board whose receiver hears the bus through a ReceiverFanout).
   * Names must be unique.
   */
  attach(name: string, receive?: (delivery: Delivery) => void): BusNode {
    if (this.#nodes.some((n) => n.name === name)) throw new Error(`Rs485Bus: a node named "${name}" is already attached`);
    const node: Attached = { name, receive, queueEnd: Number.NEGATIVE_INFINITY, attached: true };
    this.#nodes = [...this.#nodes, node];
    if (receive) this.#receivers = [...this.#receivers, node];
    const bus = this;
    return {
      name,
      transmit: (bytes) => {
        if (!node.attached) throw new Error(`Rs485Bus: node "${name}" is detached and cannot transmit`);
        return bus.#transmit(node, bytes);
      },
      get busyUntil() {
        return Math.max(bus.clock.now(), node.queueEnd);
      },
      incomingUntil: (t) => {
        let until: number | undefined;
        for (const tx of bus.#recent) {
          if (!tx.delivered && tx.node !== name && tx.start < t && (until === undefined || tx.end > until)) until = tx.end;
        }
        return until === undefined ? undefined : bus.#deliveredAt(until);
      },
      detach: () => {
        if (!node.attached) return;
        node.attached = false;
        bus.#nodes = bus.#nodes.filter((n) => n !== node);
        bus.#receivers = bus.#receivers.filter((n) => n !== node);
      },
    };
  }

  /** Observe every transmission after it is delivered; returns an unsubscribe function. */
  onTransmission(listener: (record: TransmissionRecord) => void): () => void {
    if (!this.#listeners.includes(listener)) this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  #transmit(node: Attached, bytes: Uint8Array): TransmitTiming {
    const now = this.clock.now();
    const start = Math.max(now, node.queueEnd);
    if (bytes.length === 0) return { start, end: start };
    const end = start + bytes.length * this.byteTimeMs;
    node.queueEnd = end;
    const tx: Transmission = { node: node.name, start, end, bytes: bytes.slice(), delivered: false };
    this.#recent.push(tx);
    this.clock.setTimeout(() => this.#deliver(tx), end - now);
    return { start, end };
  }

  /**
   * When bytes on the wire until `t` (ms) reach the receivers: a pending transmission that
   * overlaps them holds the delivery back to its own end (a collision is delivered as one).
   */
  #deliveredAt(t: number): number {
    let until = t;
    for (let grew = true; grew; ) {
      grew = false;
      for (const tx of this.#recent) {
        if (!tx.delivered && tx.start < until - EPSILON_MS && tx.end > until + EPSILON_MS) {
          until = tx.end;
          grew = true;
        }
      }
    }
    return until;
  }

  /** Pending transmissions overlapping tx, directly or through each other (tx first), or undefined when none. */
  #clusterOf(tx: Transmission): Transmission[] | undefined {
    let cluster: Transmission[] | undefined;
    for (let i = 0; i < (cluster?.length ?? 1); i++) {
      const m = cluster?.[i] ?? tx;
      for (const o of this.#recent) {
        if (o !== tx && !o.delivered && overlapping(m, o) && !cluster?.includes(o)) (cluster ??= [tx]).push(o);
      }
    }
    return cluster;
  }

  #deliver(tx: Transmission): void {
    if (tx.delivered) return;
    const cluster = this.#clusterOf(tx);
    if (cluster !== undefined) {
      // The last of a collision to end delivers them all.
      if (cluster.some((o) => o.end > tx.end + EPSILON_MS)) return;
      this.#deliverCollision(cluster);
      return;
    }
    const bt = this.byteTimeMs;
    // tx.bytes is the bus's own copy: delivered as is unless noise changes it.
    let received = tx.bytes;
    const noise = this.#noise;
    if (noise > 0) {
      received = tx.bytes.slice();
      for (let i = 0; i < received.length; i++) received[i] = this.#noisy(received[i]!);
    }
    tx.delivered = true;
    this.#prune();
    this.stats.transmissions++;
    this.stats.bytes += received.length;
    const delivery: Delivery = { bytes: received, firstByteAt: tx.start + bt, byteTimeMs: bt, endAt: tx.end, from: tx.node, collided: false };
    const nodes = this.#receivers;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      if (node.name !== tx.node && node.attached) node.receive!(delivery);
    }
    const listeners = this.#listeners;
    if (listeners.length === 0) return;
    const record: TransmissionRecord = { from: tx.node, start: tx.start, end: tx.end, bytes: tx.bytes, received, collided: false };
    for (let i = 0; i < listeners.length; i++) listeners[i]!(record);
  }

  /** A byte with line noise applied: one bit flipped with the noise probability. */
  #noisy(value: number): number {
    if (this.#noise === 0 || !this.#noiseRandom.chance(this.#noise)) return value;
    this.stats.noisyBytes++;
    return value ^ (1 << this.#noiseRandom.int(0, 7));
  }

  /** Deliver overlapping transmissions as one wire: a merged, garbled stream at one byte per byte time. */
  #deliverCollision(cluster: Transmission[]): void {
    const bt = this.byteTimeMs;
    cluster.sort((a, b) => a.start - b.start);
    // XOR with a nonzero value: a fought-over byte never survives intact.
    const stream = mergeCluster(cluster, bt, (v) => v ^ this.#garbage.int(1, 255), (v) => this.#noisy(v));
    for (const m of cluster) m.delivered = true;
    this.#prune();
    const overlaps = cluster.map((m) => ({ from: m.node, start: m.start, end: m.end }));
    const runs = contiguousRuns(stream, bt).map((run): Delivery => ({
      bytes: Uint8Array.from(run, (b) => b.value), firstByteAt: run[0]!.lo + bt, byteTimeMs: bt, endAt: run[run.length - 1]!.lo + bt,
      from: cluster[0]!.node, collided: run.some((b) => b.garbage), overlaps,
    }));
    const records = cluster.map((m): TransmissionRecord => {
      const mine = stream.filter((b) => b.lo > m.start - EPSILON_MS && b.lo < m.end - EPSILON_MS);
      const collided = cluster.some((o) => o !== m && overlapping(m, o));
      return { from: m.node, start: m.start, end: m.end, bytes: m.bytes, received: Uint8Array.from(mine, (b) => b.value), collided };
    });
    for (const r of records) {
      this.stats.transmissions++;
      this.stats.bytes += r.received.length;
      if (r.collided) this.stats.collisions++;
    }
    const nodes = this.#receivers;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      if (!node.attached) continue;
      for (const run of runs) for (const part of heardBy(run, node.name)) node.receive!(part);
    }
    const listeners = this.#listeners;
    for (const record of records) for (let i = 0; i < listeners.length; i++) listeners[i]!(record);
  }

  /** Drop delivered transmissions that no pending or future transmission can overlap. */
  #prune(): void {
    const recent = this.#recent;
    let horizon = this.clock.now();
    for (const tx of recent) if (!tx.delivered && tx.start < horizon) horizon = tx.start;
    let k = 0;
    for (const tx of recent) if (!tx.delivered || tx.end > horizon + EPSILON_MS) recent[k++] = tx;
    recent.length = k;
  }

  /** Transmissions kept for overlap checks (pending plus recent); for tests of the pruning. */
  get trackedTransmissions(): number {
    return this.#recent.length;
  }
}
