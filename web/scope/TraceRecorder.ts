/**
 * Records every board of a simulated stack for the scope panel, from the simulation itself: the
 * heartbeat and signal lines' edges, the load switches, the input, rail and port volts and amps
 * after every electrical update (Board.onElectricalChange), the bus transmissions to and from
 * each board (Rs485Bus.onTransmission: start and end on the wire), and the stack's events as
 * markers. Nothing is sampled per animation frame, so at 1000x nothing is lost: every change
 * lands at its own virtual time. The board model's values are steps (they change only at an
 * electrical update), so recording every change is exact, and a fixed sampling interval would
 * add rows, not information. Memory is bounded: TRACE_CAP changes
 * per trace and MARKER_CAP markers, oldest dropped. Browser-safe, pure (no DOM, no wall clock).
 */
import type { Board } from '../../board-model/Board.ts';
import type { SimEvent } from '../../board-model/events.ts';
import type { SimStack } from '../../board-model/SimStack.ts';
import { Trace, TRACE_CAP, type TraceInfo } from './Trace.ts';

/** Markers kept (events and lesson steps of every board together), oldest dropped. */
export const MARKER_CAP = 20_000;

/** A moment on the time axis: a simulator event or a lesson step. */
export interface Marker {
  /** Virtual time (ms). */
  readonly t: number;
  /** Short text on the axis ("watchdog-expired", a step's name). */
  readonly label: string;
  /** Hover text: who and the details. */
  readonly detail: string;
  readonly kind: 'event' | 'lesson';
  /** Board indices it concerns; undefined: the whole stack (shown on every board). */
  readonly boards?: readonly number[];
  readonly pi?: 0 | 1;
}

/** The traces of one board, in the order the scope draws them (analog first). */
export const BOARD_TRACES: readonly TraceInfo[] = [
  { key: 'vin', label: 'Input V', kind: 'analog', unit: 'V' },
  { key: 'cin', label: 'Input A', kind: 'analog', unit: 'A' },
  { key: 'rail', label: '5 V rail', kind: 'analog', unit: 'V' },
  { key: 'pi0_volts', label: 'Pi 0 V', kind: 'analog', unit: 'V' },
  { key: 'pi0_amps', label: 'Pi 0 A', kind: 'analog', unit: 'A' },
  { key: 'pi1_volts', label: 'Pi 1 V', kind: 'analog', unit: 'V' },
  { key: 'pi1_amps', label: 'Pi 1 A', kind: 'analog', unit: 'A' },
  { key: 'pi0_heartbeat', label: 'Pi 0 heartbeat', kind: 'digital', unit: '' },
  { key: 'pi0_signal', label: 'Pi 0 signal', kind: 'digital', unit: '' },
  { key: 'pi0_switch', label: 'Pi 0 switch', kind: 'digital', unit: '' },
  { key: 'pi1_heartbeat', label: 'Pi 1 heartbeat', kind: 'digital', unit: '' },
  { key: 'pi1_signal', label: 'Pi 1 signal', kind: 'digital', unit: '' },
  { key: 'pi1_switch', label: 'Pi 1 switch', kind: 'digital', unit: '' },
  { key: 'bus_request', label: 'Bus request', kind: 'digital', unit: '' },
  { key: 'bus_reply', label: 'Bus reply', kind: 'digital', unit: '' },
];

/** Options of a recorder. */
export interface RecorderOptions {
  /** Changes kept per trace (default TRACE_CAP). */
  readonly cap?: number;
  /** Markers kept (default MARKER_CAP). */
  readonly markerCap?: number;
}

/** One board's traces by key. */
export type BoardTraces = ReadonlyMap<string, Trace>;

const EVENT_KEYS = new Set(['t', 'type', 'id', 'pi', 'board']);

/** Who and what of an event, in words: "board 3 Pi 0: from=on". */
function eventDetail(e: SimEvent): string {
  const who = e.id === undefined ? 'stack' : e.pi === undefined ? `board ${e.id}` : `board ${e.id} Pi ${e.pi}`;
  const details = Object.entries(e).filter(([k, v]) => !EVENT_KEYS.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ');
  return details === '' ? who : `${who}: ${details}`;
}

/** The scope's recorder for a stack. */
export class TraceRecorder {
  /** Virtual time recording started (ms). */
  readonly startMs: number;
  private readonly perBoard: Map<string, Trace>[];
  private readonly markerList: Marker[] = [];
  private added = 0;
  private markersSince: number;
  private readonly markerCap: number;
  private readonly stops: (() => void)[] = [];

  constructor(private readonly sim: SimStack, options: RecorderOptions = {}) {
    const now = sim.clock.now();
    this.startMs = now;
    this.markersSince = now;
    this.markerCap = options.markerCap ?? MARKER_CAP;
    const cap = options.cap ?? TRACE_CAP;
    this.perBoard = sim.boards.map(() => new Map(BOARD_TRACES.map((info) => [info.key, new Trace(info, now, cap)])));
    sim.boards.forEach((board) => this.watch(board));
    for (const event of sim.events.events) this.event(event); // what happened while the stack was built and started
    this.stops.push(sim.events.subscribe((event) => this.event(event)));
    this.stops.push(sim.bus.onTransmission((record) => {
      const targets = record.from === 'host' ? this.boardsWithId(record.bytes[1]) : this.boardOfNode(record.from);
      const key = record.from === 'host' ? 'bus_request' : 'bus_reply';
      for (const index of targets) {
        const trace = this.trace(index, key);
        trace.set(record.start, 1);
        trace.set(record.end, 0);
      }
    }));
  }

  /** Boards recorded. */
  get boards(): number {
    return this.perBoard.length;
  }

  /** A board's traces, in drawing order. */
  traces(board: number): Trace[] {
    return [...this.board(board).values()];
  }

  /** One trace of a board by key (BOARD_TRACES). */
  trace(board: number, key: string): Trace {
    const trace = this.board(board).get(key);
    if (!trace) throw new RangeError(`no trace "${key}" (known: ${BOARD_TRACES.map((t) => t.key).join(', ')})`);
    return trace;
  }

  /** From this virtual time on (ms) every trace of the board is complete: later than startMs once a trace dropped old changes. */
  completeSince(board: number): number {
    let since = this.startMs;
    for (const trace of this.board(board).values()) since = Math.max(since, trace.since);
    return since;
  }

  /** Markers of a board (its own and the stack's) with t in [from, to] (ms), oldest first. */
  markers(board: number, from = Number.NEGATIVE_INFINITY, to = Number.POSITIVE_INFINITY): Marker[] {
    const list = this.markerList;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) { // the first marker at or after `from` (the list is in time order)
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.t < from) lo = mid + 1;
      else hi = mid;
    }
    const out: Marker[] = [];
    for (let i = lo; i < list.length && list[i]!.t <= to; i++) {
      const m = list[i]!;
      if (m.boards === undefined || m.boards.includes(board)) out.push(m);
    }
    return out;
  }

  /** Markers ever added (dropped ones included): changes when one is added. */
  get markerCount(): number {
    return this.added;
  }

  /** From this virtual time on (ms) every marker is kept. */
  get markersComplete(): number {
    return this.markersSince;
  }

  /**
   * Add a marker (a lesson step: the `lessons` panel calls this) at virtual time t (ms), for the
   * given boards (default: every board), kept in time order.
   */
  addMarker(t: number, label: string, options: { detail?: string; boards?: readonly number[]; pi?: 0 | 1; kind?: Marker['kind'] } = {}): void {
    this.insertMarker({
      t, label, detail: options.detail ?? label, kind: options.kind ?? 'lesson',
      ...(options.boards ? { boards: options.boards } : {}), ...(options.pi === undefined ? {} : { pi: options.pi }),
    });
  }

  /** Stop recording (the session is over); what was recorded stays readable. */
  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  private board(index: number): Map<string, Trace> {
    const traces = this.perBoard[index];
    if (!traces) throw new RangeError(`no board at index ${index} (the stack has ${this.perBoard.length})`);
    return traces;
  }

  private watch(board: Board): void {
    const traces = this.perBoard[board.index]!;
    const now = (): number => this.sim.clock.now();
    const get = (key: string): Trace => traces.get(key)!;
    const vin = get('vin'), cin = get('cin'), rail = get('rail');
    const volts = [get('pi0_volts'), get('pi1_volts')] as const;
    const amps = [get('pi0_amps'), get('pi1_amps')] as const;
    const sw = [get('pi0_switch'), get('pi1_switch')] as const;
    const electrical = (): void => {
      const t = now();
      const e = board.electrical();
      vin.set(t, e.vin);
      cin.set(t, e.cin);
      rail.set(t, e.rail);
      for (const pi of [0, 1] as const) {
        volts[pi].set(t, e.portV[pi]);
        amps[pi].set(t, e.portA[pi]);
        sw[pi].set(t, board.switchClosed(pi) ? 1 : 0);
      }
    };
    electrical();
    this.stops.push(board.onElectricalChange(electrical));
    for (const pi of [0, 1] as const) {
      const heartbeat = get(`pi${pi}_heartbeat`);
      const signal = get(`pi${pi}_signal`);
      heartbeat.set(now(), board.heartbeat[pi].level ? 1 : 0);
      signal.set(now(), board.signal[pi].level ? 1 : 0);
      this.stops.push(board.heartbeat[pi].onChange((high) => heartbeat.set(now(), high ? 1 : 0)));
      this.stops.push(board.signal[pi].onFall(() => signal.set(now(), 0)));
      this.stops.push(board.signal[pi].onRise(() => signal.set(now(), 1)));
    }
    get('bus_request').set(now(), 0);
    get('bus_reply').set(now(), 0);
  }

  private boardsWithId(id: number | undefined): number[] {
    if (id === undefined) return [];
    const out: number[] = [];
    for (const b of this.sim.boards) if (b.id === id) out.push(b.index);
    return out;
  }

  private boardOfNode(name: string): number[] {
    const match = /^board (\d+)$/.exec(name);
    return match && this.perBoard[Number(match[1])] ? [Number(match[1])] : [];
  }

  private event(e: SimEvent): void {
    const index = typeof e.board === 'number' ? [e.board] : e.id === undefined ? undefined : this.boardsWithId(e.id);
    this.insertMarker({ t: e.t, label: e.type, detail: eventDetail(e), kind: 'event', ...(index ? { boards: index } : {}), ...(e.pi === undefined ? {} : { pi: e.pi }) });
  }

  private insertMarker(m: Marker): void {
    this.added++;
    const list = this.markerList;
    let i = list.length;
    while (i > 0 && list[i - 1]!.t > m.t) i--;
    if (i === list.length) list.push(m);
    else list.splice(i, 0, m);
    if (list.length > this.markerCap) {
      list.splice(0, list.length - this.markerCap + (this.markerCap >> 2));
      this.markersSince = list[0]!.t;
    }
  }
}
