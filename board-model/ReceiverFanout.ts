/**
 * Hands bus traffic to many boards' receivers at the cost of the few it concerns. Every board
 * hears every transmission, but on a healthy bus a delivery is one whole frame, and an idle
 * receiver does nothing with a whole frame for another ID except count it. So a whole frame
 * goes only to the receivers listening on its address byte and to those with a frame in
 * progress; the others' counters are brought up to date lazily (BoardReceiver.stats). Anything
 * else (fragments, several frames, collided or oversized bytes) goes to every receiver.
 *
 * The outcome is exactly that of attaching each receiver to the bus itself, in join order, on
 * one condition: a member's ID as the fan-out knows it is its receiver's getId(). The owner
 * calls refreshId() whenever that may have changed (the board's MCU state, prefix or DIP).
 */
import { MIN_LEN } from '../bus-protocol/frame.ts';
import type { BoardReceiver, SkippedTraffic } from './BoardReceiver.ts';
import { heardBy, type Delivery } from './Rs485Bus.ts';

/** A receiver's place in a fan-out. */
export interface FanoutMembership {
  /** Re-read the receiver's ID (call whenever getId() may return something new). */
  refreshId(): void;
  /** Leave: no more deliveries; the receiver's counters stay exact. Idempotent. */
  leave(): void;
}

interface Member {
  readonly receiver: BoardReceiver;
  /** Bus node name of the board: its own transmissions never reach it. */
  readonly name: string;
  readonly getId: () => number;
  /** Join order, which is delivery order. */
  readonly order: number;
  id: number;
  /** True after a delivery left a frame in progress (cleared at the next one that does not). */
  busy: boolean;
  /** Whole frames delivered before it joined, and those it saw or sent itself (frames, bytes). */
  frames0: number;
  bytes0: number;
}

function byOrder(a: Member, b: Member): number {
  return a.order - b.order;
}

/** Fan-out of bus deliveries to board receivers; attach deliver() to the bus as one node. */
export class ReceiverFanout {
  /** Members in join order; replaced, never changed in place, so a delivery can walk it. */
  #members: readonly Member[] = [];
  readonly #byName = new Map<string, Member>();
  readonly #byId = new Map<number, Member[]>();
  /** Members with a frame in progress, in join order. */
  #busy: Member[] = [];
  #order = 0;
  /** Smallest receive buffer of the members (bytes): bigger frames go to everyone. */
  #minBuffer = Number.POSITIVE_INFINITY;
  /** Whole frames (and their bytes) delivered so far. */
  #frames = 0;
  #bytes = 0;

  /** Number of receivers in the fan-out. */
  get size(): number {
    return this.#members.length;
  }

  /** Add a receiver of the board whose bus node is `name`; getId must be the receiver's own. */
  join(receiver: BoardReceiver, name: string, getId: () => number): FanoutMembership {
    if (this.#byName.has(name)) throw new Error(`ReceiverFanout: a receiver for "${name}" has already joined`);
    const m: Member = { receiver, name, getId, order: this.#order++, id: getId(), busy: false, frames0: this.#frames, bytes0: this.#bytes };
    this.#members = [...this.#members, m];
    this.#byName.set(name, m);
    this.#index(m);
    this.#minBuffer = Math.min(this.#minBuffer, receiver.rxBufferBytes);
    receiver.countSkipped(() => this.#skipped(m));
    let joined = true;
    return {
      refreshId: () => {
        if (!joined) return;
        const id = m.getId();
        if (id === m.id) return;
        this.#unindex(m);
        m.id = id;
        this.#index(m);
      },
      leave: () => {
        if (!joined) return;
        joined = false;
        const frozen = this.#skipped(m);
        receiver.countSkipped(() => frozen);
        this.#members = this.#members.filter((x) => x !== m);
        this.#byName.delete(name);
        this.#unindex(m);
        if (m.busy) this.#busy = this.#busy.filter((x) => x !== m);
      },
    };
  }

  /** Take one bus delivery (the fan-out's receive callback). */
  deliver(delivery: Delivery): void {
    const { bytes } = delivery;
    const n = bytes.length;
    const len = bytes[2];
    const sender = this.#byName.get(delivery.from);
    if (delivery.overlaps !== undefined) {
      // A collision: each board, a sender too, hears only what did not overlap its own transmission.
      const members = this.#members;
      for (let i = 0; i < members.length; i++) {
        const m = members[i]!;
        if (this.#byName.get(m.name) !== m) continue;
        for (const part of heardBy(delivery, m.name)) this.#hand(m, part);
      }
      return;
    }
    if (!(len !== undefined && len >= MIN_LEN && len + 1 === n && n <= this.#minBuffer)) {
      const members = this.#members;
      for (let i = 0; i < members.length; i++) {
        const m = members[i]!;
        if (m !== sender && this.#byName.get(m.name) === m) this.#hand(m, delivery);
      }
      return;
    }
    this.#frames++;
    this.#bytes += n;
    if (sender !== undefined) this.#seen(sender, n);
    const addressed = this.#byId.get(bytes[1]!);
    if (this.#busy.length === 0) {
      if (addressed === undefined) return;
      // The usual case: the one board with that ID (no copy: nothing else can join the list meanwhile).
      if (addressed.length === 1) return this.#take(addressed[0]!, sender, delivery, n);
    }
    // Copies: handing a frame over may change IDs or busy members; the order is join order.
    const targets = this.#busy.length === 0 ? [...addressed!] : [...new Set([...(addressed ?? []), ...this.#busy])].sort(byOrder);
    for (const m of targets) this.#take(m, sender, delivery, n);
  }

  /** Hand a whole frame of n bytes to a member that needs it (unless it sent it or has left). */
  #take(m: Member, sender: Member | undefined, delivery: Delivery, n: number): void {
    if (m === sender || this.#byName.get(m.name) !== m) return;
    this.#seen(m, n);
    this.#hand(m, delivery);
  }

  /** The member takes this whole frame itself (or sent it): it is not one skipped for it. */
  #seen(m: Member, n: number): void {
    m.frames0++;
    m.bytes0 += n;
  }

  #hand(m: Member, delivery: Delivery): void {
    m.receiver.receive(delivery);
    const busy = m.receiver.pending > 0;
    if (busy === m.busy || this.#byName.get(m.name) !== m) return;
    m.busy = busy;
    this.#busy = busy ? [...this.#busy, m].sort(byOrder) : this.#busy.filter((x) => x !== m);
  }

  #skipped(m: Member): SkippedTraffic {
    return { frames: this.#frames - m.frames0, bytes: this.#bytes - m.bytes0 };
  }

  // The lists of #byId are replaced, never changed in place (deliver() may walk one while a
  // frame changes IDs). A full bus files 255 unpowered boards under ID -1 and takes each out at
  // boot: the place is found by a binary search, not a sort or a scan per board.
  #index(m: Member): void {
    const list = this.#byId.get(m.id);
    if (list === undefined) this.#byId.set(m.id, [m]);
    else this.#byId.set(m.id, list.toSpliced(placeOf(list, m.order), 0, m));
  }

  #unindex(m: Member): void {
    const list = this.#byId.get(m.id);
    if (list === undefined) return;
    const at = placeOf(list, m.order);
    if (list[at] !== m) return;
    if (list.length === 1) this.#byId.delete(m.id);
    else this.#byId.set(m.id, list.toSpliced(at, 1));
  }
}

/** Index of the first member of `list` (in join order) that joined at or after `order`. */
function placeOf(list: readonly Member[], order: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.order < order) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
