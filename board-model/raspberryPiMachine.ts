/**
 * The simulated Raspberry Pi plugged into one power port (FIRMWARE.md section 6). XState
 * handles the slow life cycle (power, boot, shutdown, faults); the heartbeat daemon is an
 * invoked callback actor that starts a pulse train on the heartbeat line, so the pulses,
 * 16.6k per Pi per day, never become XState transitions (nor timers, while nobody needs them).
 */
import { assign, emit, enqueueActions, fromCallback, not, setup } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import type { Clock } from '../bus-protocol/clock.ts';
import type { HeartbeatLine, SignalDriver, SignalLine } from './wires.ts';

/** Events a Pi accepts: the voltage at its port, fault injection, load, and its own shutdown request (F6). */
export type PiEvent =
  | { type: 'RAIL'; volts: number }
  | { type: 'CRASH' }
  | { type: 'HANG_BOOT'; on: boolean }
  | { type: 'SET_DAEMON'; installed: boolean }
  | { type: 'SLOW_SHUTDOWN'; extraMs: number }
  | { type: 'SHORT_CIRCUIT'; on: boolean }
  | { type: 'CLEAR_FAULTS' }
  | { type: 'SET_LOAD'; fraction: number }
  | { type: 'REQUEST_SHUTDOWN' }
  /** Sent by the daemon actor when the board pulls the signal line low. */
  | { type: 'SIGNAL_FELL' };

/** Top-level state of a Pi, as summaries and the current model see it. */
export type PiStateName = 'unpowered' | 'booting' | 'running' | 'crashed' | 'shuttingDown' | 'halted';

/** States in which the Pi has power. */
export type PoweredPiStateName = Exclude<PiStateName, 'unpowered'>;

/** Events the Pi emits (actor.on): life-cycle milestones, undervoltage dips (V) and power losses. */
export type PiEmitted =
  | { type: 'powered' }
  | { type: 'booted' }
  | { type: 'crashed' }
  | { type: 'shutdown-started'; by: SignalDriver }
  | { type: 'halted' }
  | { type: 'undervoltage'; volts: number }
  | { type: 'power-lost'; from: PoweredPiStateName; unsafe: boolean };

/** Electrical and timing parameters of one Pi model (F6, ASSUMED values; ms, A, V). */
export interface PiParams {
  /** Model name, e.g. "Pi 3B+". */
  model: string;
  /** Power-on to running, when the daemon starts (ms). */
  bootTimeMs: number;
  /** Current while booting (A). */
  bootCurrentA: number;
  /** Current while running idle (A). */
  idleCurrentA: number;
  /** Current while running at full load (A). */
  loadCurrentA: number;
  /** How long the daemon holds the heartbeat line high (ms). */
  heartbeatHighMs: number;
  /** Rising edge to rising edge of the heartbeat (ms); must exceed heartbeatHighMs. */
  heartbeatPeriodMs: number;
  /** Start of shutdown to halted (ms). */
  shutdownTimeMs: number;
  /** Current once halted, until power is removed (A). */
  haltedCurrentA: number;
  /** Below this rail voltage the Pi flags undervoltage (V). */
  undervoltageFlagV: number;
  /** Below this rail voltage the Pi is reset (unpowered), booting again when it recovers (V). */
  resetBelowV: number;
  /** Length of the low pulse the Pi puts on the signal line when it asks for power-down (ms). */
  selfShutdownPulseMs: number;
  /** Current drawn under the short-circuit fault, above the regulator limit (A). */
  shortCircuitCurrentA: number;
}

/** Raspberry Pi 3 Model B+ defaults from FIRMWARE.md section 6 (ms, A, V). */
export const PI_3B_PLUS: Readonly<PiParams> = Object.freeze({
  model: 'Pi 3B+',
  bootTimeMs: 25_000, heartbeatHighMs: 200, heartbeatPeriodMs: 5200, shutdownTimeMs: 8000, selfShutdownPulseMs: 200,
  bootCurrentA: 0.45, idleCurrentA: 0.4, loadCurrentA: 0.95, haltedCurrentA: 0.1, shortCircuitCurrentA: 6.0,
  undervoltageFlagV: 4.63, resetBelowV: 4.2,
});

/** Input of raspberryPiMachine; `clock` must be the same object passed to createActor. */
export interface PiInput {
  params: PiParams;
  clock: Clock;
  heartbeat: HeartbeatLine;
  signal: SignalLine;
  daemon?: boolean; // Heartbeat daemon installed (default true).
  selfShutdownLeavesHeartbeatHigh?: boolean; // The original helper script's quirk: a self-initiated shutdown leaves the heartbeat line high (default false).
}

/** Context of raspberryPiMachine: wiring, fault flags, last rail voltage (V) and summary counters. */
export interface PiContext {
  readonly params: PiParams;
  readonly clock: Clock;
  readonly heartbeat: HeartbeatLine;
  readonly signal: SignalLine;
  readonly selfShutdownLeavesHeartbeatHigh: boolean;
  readonly daemonByDefault: boolean; // The input's daemon setting, restored by CLEAR_FAULTS.
  daemon: boolean;
  hangBoot: boolean;
  slowShutdownExtraMs: number;
  shortCircuit: boolean;
  loadFraction: number; // 0 = idle, 1 = full load.
  volts: number; // Last RAIL voltage (V).
  undervoltage: boolean; // True while powered with the rail below undervoltageFlagV.
  undervoltageDips: number;
  boots: number;
  unsafePowerLosses: number;
  haltedCount: number;
}

interface DaemonInput {
  clock: Clock; heartbeat: HeartbeatLine; signal: SignalLine;
  highMs: number; periodMs: number; leaveHighOnSelfShutdown: boolean;
}

/**
 * The Pi-side daemon: heartbeat pulses (a pulse train the line runs on the clock: timers per
 * edge, or none while nobody needs the edges, see wires.ts), and a watch on the signal line for
 * a fall the board caused. XState stops it after the entry actions of the next state have run,
 * so during a self-initiated shutdown the Pi already holds the signal line low when the cleanup
 * runs: that is how the cleanup knows to honour the quirk.
 */
const heartbeatDaemon = fromCallback<PiEvent, DaemonInput>(({ input, sendBack }) => {
  const { clock, heartbeat, signal, highMs, periodMs } = input;
  const unsubscribe = signal.onFall((by) => {
    if (by === 'board') sendBack({ type: 'SIGNAL_FELL' });
  });
  heartbeat.startTrain({ clock, highMs, periodMs });
  return () => {
    heartbeat.stopTrain();
    unsubscribe();
    if (!(input.leaveHighOnSelfShutdown && signal.pulledByPi)) heartbeat.drive(false);
  };
});

/**
 * Power losses that risk the SD card. A crashed Pi is left out on purpose: it has no clean
 * way down, and power-cycling it is exactly what the watchdog is for, so counting it would
 * score the intended recovery as a hazard. It is still reported (from: 'crashed').
 */
const UNSAFE_FROM: ReadonlySet<PoweredPiStateName> = new Set(['booting', 'running', 'shuttingDown']);

/** RAIL handling shared by every powered state: below the reset threshold the Pi loses power. */
function railWhile(from: PoweredPiStateName) {
  return [
    { guard: 'railBelowReset', target: '#pi.unpowered', actions: [{ type: 'losePower', params: { from } }, 'trackRail'] },
    { actions: 'trackRail' },
  ] as const;
}

/** A Pi's context at creation (the machine's `context`; also what a Pi created at rest starts with, atRest.ts). */
export function piContext(input: PiInput): PiContext {
  return {
    params: input.params, clock: input.clock, heartbeat: input.heartbeat, signal: input.signal,
    selfShutdownLeavesHeartbeatHigh: input.selfShutdownLeavesHeartbeatHigh ?? false,
    daemonByDefault: input.daemon ?? true,
    daemon: input.daemon ?? true,
    hangBoot: false, slowShutdownExtraMs: 0, shortCircuit: false, loadFraction: 0,
    volts: 0, undervoltage: false, undervoltageDips: 0, boots: 0, unsafePowerLosses: 0, haltedCount: 0,
  };
}

/** The state a Pi starts in, whatever its input; entering it only releases wires that a new Pi finds released. */
export const PI_START_VALUE = 'unpowered';

/** The simulated Raspberry Pi (F6): one actor per Pi, driving its heartbeat and signal wires. */
export const raspberryPiMachine = setup({
  types: {
    context: {} as PiContext,
    events: {} as PiEvent,
    input: {} as PiInput,
    emitted: {} as PiEmitted,
  },
  actors: { heartbeatDaemon },
  guards: {
    railAtLeastReset: ({ context, event }) => event.type === 'RAIL' && event.volts >= context.params.resetBelowV,
    railBelowReset: ({ context, event }) => event.type === 'RAIL' && event.volts < context.params.resetBelowV,
    bootHangs: ({ context }) => context.hangBoot,
    daemonInstalled: ({ context }) => context.daemon,
  },
  actions: {
    trackRail: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'RAIL') return;
      const { resetBelowV, undervoltageFlagV } = context.params;
      const dip = event.volts >= resetBelowV && event.volts < undervoltageFlagV;
      const newDip = dip && !context.undervoltage;
      enqueue.assign({ volts: event.volts, undervoltage: dip, undervoltageDips: context.undervoltageDips + (newDip ? 1 : 0) });
      if (newDip) enqueue.emit({ type: 'undervoltage', volts: event.volts });
    }),
    losePower: enqueueActions(({ context, enqueue }, params: { from: PoweredPiStateName }) => {
      const unsafe = UNSAFE_FROM.has(params.from);
      if (unsafe) enqueue.assign({ unsafePowerLosses: context.unsafePowerLosses + 1 });
      enqueue.emit({ type: 'power-lost', from: params.from, unsafe });
    }),
    releaseWires: ({ context }) => {
      context.signal.piPull(false);
      context.heartbeat.drive(false);
    },
    countBoot: assign({ boots: ({ context }) => context.boots + 1 }),
    countHalt: assign({ haltedCount: ({ context }) => context.haltedCount + 1 }),
    startSelfShutdown: ({ context }) => {
      context.signal.piPull(true);
      if (context.selfShutdownLeavesHeartbeatHigh) context.heartbeat.drive(true);
    },
    endSelfShutdownPulse: ({ context }) => context.signal.piPull(false),
    emitPowered: emit({ type: 'powered' }),
    emitBooted: emit({ type: 'booted' }),
    emitCrashed: emit({ type: 'crashed' }),
    emitHalted: emit({ type: 'halted' }),
    emitShutdownStarted: emit((_, params: { by: SignalDriver }) => ({ type: 'shutdown-started' as const, by: params.by })),
  },
  delays: {
    bootTime: ({ context }) => context.params.bootTimeMs,
    shutdownTime: ({ context }) => context.params.shutdownTimeMs + context.slowShutdownExtraMs,
    selfShutdownPulse: ({ context }) => context.params.selfShutdownPulseMs,
  },
}).createMachine({
  id: 'pi',
  context: ({ input }) => piContext(input),
  initial: 'unpowered',
  on: {
    HANG_BOOT: { actions: assign({ hangBoot: ({ event }) => event.on }) },
    SET_DAEMON: { actions: assign({ daemon: ({ event }) => event.installed }) },
    SLOW_SHUTDOWN: { actions: assign({ slowShutdownExtraMs: ({ event }) => Math.max(0, event.extraMs) || 0 }) },
    SHORT_CIRCUIT: { actions: assign({ shortCircuit: ({ event }) => event.on }) },
    // Out-of-range load is clamped to 0..1; NaN keeps the previous load.
    SET_LOAD: {
      actions: assign({
        loadFraction: ({ context, event }) => (Number.isNaN(event.fraction) ? context.loadFraction : Math.min(1, Math.max(0, event.fraction))),
      }),
    },
    // A fault that already happened (a crash, a hung boot) stays until the next power cycle.
    CLEAR_FAULTS: {
      actions: assign({ hangBoot: false, slowShutdownExtraMs: 0, shortCircuit: false, daemon: ({ context }) => context.daemonByDefault }),
    },
  },
  states: {
    unpowered: {
      entry: 'releaseWires',
      on: {
        RAIL: [{ guard: 'railAtLeastReset', target: 'booting', actions: ['emitPowered', 'trackRail'] }, { actions: 'trackRail' }],
      },
    },
    booting: {
      entry: 'countBoot',
      initial: 'loading',
      on: { RAIL: railWhile('booting') },
      states: {
        loading: {
          always: { guard: 'bootHangs', target: 'hung' },
          after: { bootTime: { target: '#pi.running', actions: 'emitBooted' } },
        },
        /** Hung for good: clearing HANG_BOOT does not help, only a power cycle does. */
        hung: {},
      },
    },
    running: {
      initial: 'noDaemon',
      on: {
        RAIL: railWhile('running'),
        CRASH: { target: 'crashed', actions: 'emitCrashed' },
        REQUEST_SHUTDOWN: { target: 'shuttingDown.pulsing', actions: { type: 'emitShutdownStarted', params: { by: 'pi' } } },
      },
      states: {
        noDaemon: { always: { guard: 'daemonInstalled', target: 'daemon' } },
        daemon: {
          always: { guard: not('daemonInstalled'), target: 'noDaemon' },
          invoke: {
            id: 'daemon',
            src: 'heartbeatDaemon',
            input: ({ context: c }) => ({
              clock: c.clock, heartbeat: c.heartbeat, signal: c.signal, leaveHighOnSelfShutdown: c.selfShutdownLeavesHeartbeatHigh,
              highMs: c.params.heartbeatHighMs, periodMs: c.params.heartbeatPeriodMs,
            }),
          },
          on: { SIGNAL_FELL: { target: '#pi.shuttingDown', actions: { type: 'emitShutdownStarted', params: { by: 'board' } } } },
        },
      },
    },
    crashed: { on: { RAIL: railWhile('crashed') } },
    shuttingDown: {
      initial: 'waiting',
      on: { RAIL: railWhile('shuttingDown') },
      after: { shutdownTime: { target: 'halted', actions: ['countHalt', 'emitHalted'] } },
      states: {
        /** Self-initiated: the Pi holds its signal line low for selfShutdownPulseMs. */
        pulsing: {
          entry: 'startSelfShutdown',
          exit: 'endSelfShutdownPulse',
          after: { selfShutdownPulse: 'waiting' },
        },
        waiting: {},
      },
    },
    halted: { on: { RAIL: railWhile('halted') } },
  },
});

/** A snapshot of raspberryPiMachine. */
export type PiSnapshot = SnapshotFrom<typeof raspberryPiMachine>;

const STATE_NAMES: readonly PiStateName[] = ['unpowered', 'booting', 'running', 'crashed', 'shuttingDown', 'halted'];

/** The top-level state of a Pi snapshot (substates such as booting.hung fold into their parent). */
export function piStateName(snapshot: PiSnapshot): PiStateName {
  const value: unknown = snapshot.value;
  const top = typeof value === 'string' ? value : Object.keys(value as object)[0];
  const name = STATE_NAMES.find((n) => n === top);
  if (name === undefined) throw new Error(`piStateName: unexpected state value ${JSON.stringify(value)}`);
  return name;
}

/** Current drawn while running or crashed at the context's load fraction (A). */
function runningCurrentA(context: PiContext): number {
  const { idleCurrentA, loadCurrentA } = context.params;
  return idleCurrentA + context.loadFraction * (loadCurrentA - idleCurrentA);
}

/** Current the Pi draws from its port in this snapshot (A); a short circuit overrides while powered. */
export function piCurrentA(snapshot: PiSnapshot): number {
  const state = piStateName(snapshot);
  const { context } = snapshot;
  if (state === 'unpowered') return 0;
  if (context.shortCircuit) return context.params.shortCircuitCurrentA;
  if (state === 'booting') return context.params.bootCurrentA;
  if (state === 'halted') return context.params.haltedCurrentA;
  return runningCurrentA(context); // running, crashed, shuttingDown
}
