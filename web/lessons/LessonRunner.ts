/**
 * A guided lesson on a live stack: watches the stack's events and heartbeat lines, decides
 * where the run pauses (the exact virtual time of each key event the lesson names), writes the
 * callout with the live numbers of that moment, keeps the script's step markers for a timeline,
 * and records the student's prediction. Session.runTo stops time while `halted`; the page's
 * Continue button calls continue(). Pure and browser-safe (no DOM, no wall clock).
 */
import type { SimEvent } from '../../board-model/events.ts';
import type { SimStack } from '../../board-model/SimStack.ts';
import { fillCallout, seconds, unit, type Facts } from './callout.ts';
import { PAUSE_EVENTS, type Lesson, type LessonPause } from './lessonFile.ts';
import { stepLabel } from './stepLabel.ts';

/** One automatic pause: the event, where it happened, and the callout text. */
export interface Callout {
  /** Index of the pause entry in the lesson file. */
  readonly pause: number;
  /** Virtual time of the event (ms): the run stops exactly here. */
  readonly t: number;
  readonly event: SimEvent;
  /** Board index in the stack and Pi the callout is about. */
  readonly board: number;
  readonly pi: 0 | 1;
  /** What kind of moment this is ("watchdog expiry"). */
  readonly title: string;
  /** The callout, its placeholders filled. */
  readonly text: string;
}

/** A step of the lesson's script on the timeline. */
export interface StepMarker {
  /** Virtual time (ms). */
  readonly t: number;
  readonly label: string;
}

/** The student's prediction and how it compares with the answer. */
export interface PredictionResult {
  readonly given: string;
  /** True or false when the lesson has choices; undefined for a typed answer (the student compares). */
  readonly correct: boolean | undefined;
}

interface PendingCallout {
  readonly pause: number;
  readonly event: SimEvent;
  readonly board: number;
  readonly pi: 0 | 1;
  readonly count: number;
  readonly times: Facts;
  text?: string;
}

const key = (board: number, pi: number): number => board * 2 + pi;

/** Runs one guided lesson's pauses on a SimStack. */
export class LessonRunner {
  /** The script's steps, in time order. */
  readonly steps: readonly StepMarker[];
  private readonly queue: PendingCallout[] = [];
  private readonly shown: Callout[] = [];
  private readonly fired: number[];
  private readonly lastBeat = new Map<number, number>();
  private readonly beats = new Map<number, number>();
  private readonly poweredOn = new Map<number, number>();
  private readonly signalled = new Map<number, number>();
  private readonly crashed = new Map<number, number>();
  private readonly unsubscribers: Array<() => void> = [];
  private predictionGiven: string | undefined;

  constructor(readonly lesson: Lesson, private readonly sim: SimStack) {
    this.steps = lesson.scenario.steps.map((s) => ({ t: s.atMs, label: stepLabel(s) }));
    this.fired = lesson.pauses.map(() => 0);
    for (const board of sim.boards) {
      for (const pi of [0, 1] as const) {
        this.unsubscribers.push(board.heartbeat[pi].onRise(() => {
          const k = key(board.index, pi);
          this.lastBeat.set(k, sim.clock.now());
          this.beats.set(k, (this.beats.get(k) ?? 0) + 1);
        }));
      }
    }
    this.unsubscribers.push(sim.events.subscribe((e) => this.observe(e)));
  }

  /** True while a callout waits for Continue: time must not move. */
  get halted(): boolean {
    return this.queue.length > 0;
  }

  /** True while a pause may still come (the script has not run out and some pause has times left). */
  get watching(): boolean {
    return this.sim.clock.now() < this.lesson.scenario.durationMs && this.lesson.pauses.some((p, i) => this.fired[i]! < p.times);
  }

  /** The callout waiting for Continue, if any (its text filled with the numbers of now: the event's moment). */
  get current(): Callout | undefined {
    const p = this.queue[0];
    return p ? this.materialise(p) : undefined;
  }

  /** Every callout shown so far, oldest first (for timeline markers and the lesson's record). */
  get history(): readonly Callout[] {
    return this.shown;
  }

  /** Acknowledge the current callout; returns the next one waiting (same moment), or undefined when time may run. */
  continue(): Callout | undefined {
    const p = this.queue.shift();
    if (p) this.shown.push(this.materialise(p));
    return this.current;
  }

  /**
   * A replay (rewind, undo, a link) ran the stack to `t` (ms) without stopping: every pause at an
   * event before t is passed (in the history, not shown again); one at t itself still waits.
   */
  catchUp(t: number): void {
    while (this.queue.length > 0 && this.queue[0]!.event.t < t) this.shown.push(this.materialise(this.queue.shift()!));
  }

  /** Record the student's prediction (a choice or typed text). */
  predict(answer: string): void {
    this.predictionGiven = answer.trim() === '' ? undefined : answer.trim();
  }

  /** The prediction given, and whether it matches the answer (choices only). */
  get prediction(): PredictionResult | undefined {
    const given = this.predictionGiven;
    if (given === undefined) return undefined;
    const p = this.lesson.prediction;
    return { given, correct: p.choices ? given === p.answer : undefined };
  }

  /** Stop listening (the session is being replaced). */
  dispose(): void {
    for (const u of this.unsubscribers.splice(0)) u();
  }

  private observe(e: SimEvent): void {
    const board = this.boardOf(e);
    const pi = e.pi ?? this.lesson.select.pi;
    const k = key(board, pi);
    if (e.type === 'power-on') this.poweredOn.set(k, e.t);
    if (e.type === 'shutdown-signal' || e.type === 'shutdown-requested') this.signalled.set(k, e.t);
    if (e.type === 'pi-crashed') this.crashed.set(k, e.t);
    if (e.t >= this.lesson.scenario.durationMs && e.t > 0) return;
    const index = this.lesson.pauses.findIndex((p, i) => this.fired[i]! < p.times && matches(p, e));
    if (index < 0) return;
    const count = ++this.fired[index]!;
    this.queue.push({ pause: index, event: e, board, pi, count, times: this.timeFacts(e, k) });
  }

  private boardOf(e: SimEvent): number {
    if (typeof e['board'] === 'number') return e['board'];
    if (e.id !== undefined) return this.sim.boardsWithId(e.id)[0]?.index ?? this.lesson.select.board;
    return this.lesson.select.board;
  }

  /** The times a callout needs, as they stand at the event (later events must not change them). */
  private timeFacts(e: SimEvent, k: number): Facts {
    const facts: Facts = {};
    const since = (at: number | undefined, name: 'lastBeatAt' | 'poweredOnAt' | 'signalAt' | 'crashedAt', gap: 'sinceLastBeat' | 'sincePowerOn' | 'sinceSignal' | 'sinceCrash'): void => {
      if (at === undefined) return;
      facts[name] = seconds(at);
      facts[gap] = seconds(e.t - at);
    };
    since(this.lastBeat.get(k), 'lastBeatAt', 'sinceLastBeat');
    since(this.poweredOn.get(k), 'poweredOnAt', 'sincePowerOn');
    since(this.signalled.get(k), 'signalAt', 'sinceSignal');
    since(this.crashed.get(k), 'crashedAt', 'sinceCrash');
    facts.beats = String(this.beats.get(k) ?? 0);
    return facts;
  }

  private materialise(p: PendingCallout): Callout {
    const spec = this.lesson.pauses[p.pause] as LessonPause;
    p.text ??= fillCallout(spec.say, this.liveFacts(p));
    return { pause: p.pause, t: p.event.t, event: p.event, board: p.board, pi: p.pi, title: PAUSE_EVENTS[spec.on], text: p.text };
  }

  /** Every fact of a callout: the event's own details, the times, the settings and the electrical values now. */
  private liveFacts(p: PendingCallout): Facts {
    const e = p.event;
    const facts: Facts = { ...p.times, t: seconds(e.t), board: String(p.board), pi: String(p.pi), otherPi: String(1 - p.pi), count: String(p.count) };
    for (const name of ['cause', 'by', 'command', 'why', 'from', 'block', 'bootCount'] as const) if (e[name] !== undefined) facts[name] = String(e[name]);
    if (typeof e['code'] === 'number') facts.code = `0x${e['code'].toString(16).padStart(2, '0').toUpperCase()}`;
    if (typeof e['volts'] === 'number') facts.volts = unit(e['volts'], 'V');
    if (typeof e['loadA'] === 'number') facts.loadA = unit(e['loadA'], 'A');
    facts.supply = unit(this.sim.supply, 'V');
    const board = this.sim.boards[p.board];
    if (!board) return facts;
    facts.id = String(e.id ?? board.id);
    const settings = board.ports[p.pi].getSnapshot().context.settings;
    facts.hbtTime = seconds(settings.hbtTimeMs);
    facts.hbtDelay = seconds(settings.hbtDelayMs);
    facts.offDelay = seconds(settings.offDelayMs);
    facts.sigOffDelay = seconds(settings.sigOffDelayMs);
    facts.sigWidth = seconds(settings.sigWidthMs);
    const profile = board.profile;
    facts.cycleOff = seconds(profile.cycleOffTimeMs);
    facts.backOnAt = seconds(e.t + profile.cycleOffTimeMs);
    facts.hiccup = seconds(profile.regulator.hiccupRetryMs);
    facts.currentLimit = unit(profile.regulator.currentLimitA, 'A', 1);
    facts.uvlo = unit(profile.regulator.uvloV, 'V', 1);
    const poweredOn = this.poweredOn.get(key(p.board, p.pi));
    if (poweredOn !== undefined) facts.graceEndsAt = seconds(poweredOn + settings.hbtDelayMs);
    const signal = this.signalled.get(key(p.board, p.pi));
    if (signal !== undefined) {
      facts.offAt = seconds(signal + settings.offDelayMs);
      facts.sigOffAt = seconds(signal + settings.sigOffDelayMs);
    }
    const el = board.electrical();
    facts.rail = unit(el.rail, 'V');
    facts.portV = unit(el.portV[p.pi], 'V');
    facts.portA = unit(el.portA[p.pi], 'A');
    facts.otherPortV = unit(el.portV[1 - p.pi]!, 'V');
    return facts;
  }
}

/** Does an event match a pause entry (type, board ID, Pi, details)? */
export function matches(p: LessonPause, e: SimEvent): boolean {
  if (e.type !== p.on || (p.id !== undefined && e.id !== p.id) || (p.pi !== undefined && e.pi !== p.pi)) return false;
  if (e.t < p.withinMs[0] || e.t > p.withinMs[1]) return false;
  return Object.entries(p.where).every(([k, v]) => String(e[k]) === String(v));
}
