/**
 * One power port of a Pi Stack board (FIRMWARE.md section 4): the load switch, the heartbeat
 * watchdog and the shutdown-signal handshake with the Pi plugged into it.
 *
 * Two parallel regions: `power` (off, on.booting/alive/missing, stopping.byBoard/byPi,
 * cycling) and `signal` (released, pulsing: the board holds the signal line low). The load
 * switch is driven from entry actions and only on a real change, so the board sees exactly
 * one setSwitch call per edge. Heartbeats are not machine events in the steady state: the
 * watchdog watches the wire and keeps one lazily re-armed timer (see heartbeatWatchdog). The
 * wire watches are started and stopped by entry and exit actions (portWatches.ts).
 */
import { assign, cancel, emit, enqueueActions, raise, setup, stateIn } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import type { Clock } from '../bus-protocol/clock.ts';
import { PortWatches } from './portWatches.ts';
import type { HeartbeatLine, SignalLine } from './wires.ts';

/** Events a port accepts: board commands first, then internal ones sent by its wire watches (portWatches.ts) and timers. */
export type PortEvent =
  | { type: 'PI_ON' }
  | { type: 'PI_OFF' }
  | { type: 'PI_FORCE_OFF' }
  | { type: 'SEND_SIG' }
  | { type: 'SETTINGS'; settings: PortSettings }
  | { type: 'MCU_RESET' }
  | { type: 'HEARTBEAT' } // internal: first rising edge seen while booting or missing
  | { type: 'WATCHDOG_EXPIRED' } // internal: HBT_DELAY with no first beat, or HBT_TIME between beats
  | { type: 'PI_SIGNAL_FALL' } // internal: the Pi pulled its signal line low
  | { type: 'SIGNAL_PULSE' }; // internal: start a board pulse on the signal line

/** Why a port's load switch opened (FIRMWARE.md section 4). */
export type PowerOffCause = 'force' | 'graceful' | 'pi-initiated' | 'mcu-reset' | 'watchdog';

/** Events a port emits for timelines and the board (XState `emit`). */
export type PortEmitted =
  | { type: 'power-on' }
  | { type: 'power-off'; cause: PowerOffCause }
  | { type: 'watchdog-expired' }
  | { type: 'power-cycle' }
  | { type: 'shutdown-signal'; by: 'board' }
  | { type: 'heartbeat-ok' }
  | { type: 'shutdown-requested'; by: 'pi' };

/** One Pi's timeouts in ms, already converted from the u8 settings; hbtTimeMs 0 disables the watchdog (FIRMWARE.md section 2). */
export interface PortSettings {
  /** HBT_TIME: longest gap between heartbeats (ms); 0 disables the watchdog. */
  hbtTimeMs: number;
  /** HBT_DELAY: grace period after power-on before the first heartbeat is due (ms). */
  hbtDelayMs: number;
  /** OFF_DELAY: power removed this long after the start of a PI_OFF pulse (ms). */
  offDelayMs: number;
  /** SIG_OFF_DELAY: power removed this long after a Pi-initiated shutdown signal (ms). */
  sigOffDelayMs: number;
  /** SIG_WIDTH: length of the board's low pulse on the signal line (ms). */
  sigWidthMs: number;
}

/** ASSUMED firmware behaviour of a port, taken from the firmware profile (FIRMWARE.md section 4). */
export interface PortBehaviour {
  /** Which delay PI_OFF waits before cutting power: OFF_DELAY or SIG_OFF_DELAY. */
  gracefulOffDelay: 'off-delay' | 'sig-off-delay';
  /** PI_ON during a board-initiated shutdown cancels it (back to on.booting). */
  piOnCancelsShutdown: boolean;
  /** On watchdog expiry: power-cycle the Pi, or only report it (GET_PI_HBT 0). */
  watchdogAction: 'power-cycle' | 'report-only';
  /** CYCLE_OFF_TIME: how long a watchdog power cycle keeps the switch off (ms, default 5000). */
  cycleOffTimeMs: number;
}

/** What the board gives a port: its clock (also the actor's clock), settings, behaviour, wires and load switch. */
export interface PortInput {
  clock: Clock;
  settings: PortSettings;
  behaviour: PortBehaviour;
  heartbeat: HeartbeatLine;
  signal: SignalLine;
  /** Drive the load switch; called once per edge (true = on). */
  setSwitch: (on: boolean) => void;
}

/** Context of a power port: its input, the switch as last driven, the next power-off's cause, its wire watches. */
export interface PortContext extends PortInput {
  /** Load switch state as last driven, so setSwitch is only called on a change. */
  switchOn: boolean;
  /** Cause reported by the next power-off (set by the transition that cuts power). */
  offCause: PowerOffCause;
  /** The wire watches of this actor (one mutable set per actor, started and stopped by actions). */
  readonly watches: PortWatches;
}

/** What the port's wire watches get (portWatches.ts): clock, wires, HBT_TIME (ms). */
export interface WireInput {
  clock: Clock;
  heartbeat: HeartbeatLine;
  signal: SignalLine;
  hbtTimeMs: number;
}

/** A port's context at creation (the machine's `context`; also what a port created at rest starts with, atRest.ts). */
export function portContext(input: PortInput): PortContext {
  return { ...input, switchOn: false, offCause: 'force', watches: new PortWatches() };
}

/** The state a port starts in, whatever its input: off with the switch never driven, signal released; entering it does nothing. */
export const PORT_START_VALUE = { power: 'off', signal: 'released' } as const;

const wireInput = (context: PortContext): WireInput => ({
  clock: context.clock,
  heartbeat: context.heartbeat,
  signal: context.signal,
  hbtTimeMs: context.settings.hbtTimeMs,
});

/** One power port (FIRMWARE.md section 4); create with `createActor(powerPortMachine, { input, clock: input.clock })`. */
export const powerPortMachine = setup({
  types: {
    context: {} as PortContext,
    events: {} as PortEvent,
    input: {} as PortInput,
    emitted: {} as PortEmitted,
  },
  guards: {
    cyclesOnExpiry: ({ context }) => context.behaviour.watchdogAction === 'power-cycle',
    piOnCancelsShutdown: ({ context }) => context.behaviour.piOnCancelsShutdown,
  },
  actions: {
    driveSignal: ({ context }, params: { low: boolean }) => context.signal.boardPull(params.low),
    // Entry actions of on/stopping and off/cycling: act only on a real change of the switch.
    switchOn: enqueueActions(({ context, enqueue }) => {
      if (context.switchOn) return;
      enqueue.assign({ switchOn: true });
      const setSwitchOn = (): void => context.setSwitch(true); // named: shows as such in transition() results
      enqueue(setSwitchOn);
      enqueue.emit({ type: 'power-on' });
    }),
    switchOff: enqueueActions(({ context, enqueue }) => {
      if (!context.switchOn) return;
      enqueue.assign({ switchOn: false });
      const setSwitchOff = (): void => context.setSwitch(false);
      enqueue(setSwitchOff);
      enqueue.emit({ type: 'power-off', cause: context.offCause });
    }),
    // A raise rather than `after`, so that a disabled watchdog (HBT_TIME 0) schedules no timer at all.
    startGrace: enqueueActions(({ context, enqueue }) => {
      if (context.settings.hbtTimeMs > 0) enqueue.raise({ type: 'WATCHDOG_EXPIRED' }, { delay: 'hbtDelay', id: 'grace' });
    }),
    cancelGrace: cancel('grace'),
    // HBT_TIME 0 disables the watchdog at once (F2), so a grace period already running stops;
    // set non-zero again while booting, the grace period starts from that moment.
    toggleGrace: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'SETTINGS') return;
      const wasOn = context.settings.hbtTimeMs > 0;
      const isOn = event.settings.hbtTimeMs > 0;
      if (wasOn && !isOn) enqueue.cancel('grace');
      if (!wasOn && isOn) enqueue.raise({ type: 'WATCHDOG_EXPIRED' }, { delay: event.settings.hbtDelayMs, id: 'grace' });
    }),
    startPulse: raise({ type: 'SIGNAL_PULSE' }),
    storeSettings: assign({
      settings: ({ context, event }) => (event.type === 'SETTINGS' ? event.settings : context.settings),
    }),
    forwardHbtTime: ({ context, event }) => context.watches.setHbtTime(event.type === 'SETTINGS' ? event.settings.hbtTimeMs : 0),
    // The wire watches (portWatches.ts): entry starts one, exit stops it.
    waitForBeat: ({ context, self }) => context.watches.waitForBeat(self, wireInput(context)),
    stopWaitingForBeat: ({ context }) => context.watches.stopWaitingForBeat(),
    watchPiSignal: ({ context, self }) => context.watches.watchPiSignal(self, wireInput(context)),
    unwatchPiSignal: ({ context }) => context.watches.unwatchPiSignal(),
    startWatchdog: ({ context, self }) => context.watches.startWatchdog(self, wireInput(context)),
    stopWatchdog: ({ context }) => context.watches.stopWatchdog(),
  },
  delays: {
    hbtDelay: ({ context }) => context.settings.hbtDelayMs,
    gracefulOffDelay: ({ context }) =>
      context.behaviour.gracefulOffDelay === 'sig-off-delay' ? context.settings.sigOffDelayMs : context.settings.offDelayMs,
    sigOffDelay: ({ context }) => context.settings.sigOffDelayMs,
    sigWidth: ({ context }) => context.settings.sigWidthMs,
    cycleOffTime: ({ context }) => context.behaviour.cycleOffTimeMs,
  },
}).createMachine({
  id: 'powerPort',
  type: 'parallel',
  context: ({ input }) => portContext(input),
  on: {
    // Targetless: the running watchdog learns a new HBT_TIME, other timers read it when they start.
    SETTINGS: [
      { guard: stateIn({ power: { on: 'alive' } }), actions: ['forwardHbtTime', 'storeSettings'] },
      { guard: stateIn({ power: { on: 'booting' } }), actions: ['toggleGrace', 'storeSettings'] },
      { actions: 'storeSettings' },
    ],
  },
  states: {
    power: {
      initial: 'off',
      on: {
        PI_FORCE_OFF: { target: '.off', actions: assign({ offCause: 'force' }) },
        MCU_RESET: { target: '.off', actions: assign({ offCause: 'mcu-reset' }) },
      },
      states: {
        off: {
          entry: 'switchOff',
          on: { PI_ON: 'on' },
        },
        on: {
          initial: 'booting',
          entry: ['switchOn', 'watchPiSignal'],
          exit: 'unwatchPiSignal',
          on: {
            PI_OFF: { target: 'stopping.byBoard', actions: 'startPulse' },
            PI_SIGNAL_FALL: { target: 'stopping.byPi', actions: emit({ type: 'shutdown-requested', by: 'pi' } as const) },
            // From the grace timer (booting) or the watchdog (alive).
            WATCHDOG_EXPIRED: [
              {
                guard: 'cyclesOnExpiry',
                target: '#powerPort.power.cycling',
                actions: [emit({ type: 'watchdog-expired' }), assign({ offCause: 'watchdog' })],
              },
              { target: '.missing', actions: emit({ type: 'watchdog-expired' }) },
            ],
          },
          states: {
            booting: {
              entry: ['startGrace', 'waitForBeat'],
              exit: ['cancelGrace', 'stopWaitingForBeat'],
              on: { HEARTBEAT: { target: 'alive', actions: emit({ type: 'heartbeat-ok' } as const) } },
            },
            alive: {
              entry: 'startWatchdog',
              exit: 'stopWatchdog',
            },
            missing: {
              entry: 'waitForBeat',
              exit: 'stopWaitingForBeat',
              on: { HEARTBEAT: { target: 'alive', actions: emit({ type: 'heartbeat-ok' } as const) } },
            },
          },
        },
        stopping: {
          // No watchdog or first-beat watch here: the watchdog is suspended while stopping.
          entry: 'switchOn',
          initial: 'byBoard', // never entered by default: every transition names its child
          states: {
            byBoard: {
              on: { PI_ON: { guard: 'piOnCancelsShutdown', target: '#powerPort.power.on' } },
              after: {
                gracefulOffDelay: { target: '#powerPort.power.off', actions: assign({ offCause: 'graceful' }) },
              },
            },
            byPi: {
              after: {
                sigOffDelay: { target: '#powerPort.power.off', actions: assign({ offCause: 'pi-initiated' }) },
              },
            },
          },
        },
        cycling: {
          entry: ['switchOff', emit({ type: 'power-cycle' } as const)],
          after: { cycleOffTime: 'on' },
          // PI_ON ends the off time early; PI_OFF cancels the re-power (the Pi is already unpowered).
          on: { PI_ON: 'on', PI_OFF: 'off' },
        },
      },
    },
    signal: {
      initial: 'released',
      on: { PI_FORCE_OFF: '.released', MCU_RESET: '.released' },
      states: {
        released: {
          on: { SIGNAL_PULSE: 'pulsing', SEND_SIG: 'pulsing' },
        },
        pulsing: {
          // A second pulse request while low is ignored: the Pi has already seen the edge.
          entry: [{ type: 'driveSignal', params: { low: true } }, emit({ type: 'shutdown-signal', by: 'board' } as const)],
          exit: { type: 'driveSignal', params: { low: false } },
          after: { sigWidth: 'released' },
        },
      },
    },
  },
});

/** A snapshot of a power port actor. */
export type PortSnapshot = SnapshotFrom<typeof powerPortMachine>;

/** GET_PI_POWERED: true while the load switch is on (on.* or stopping.*). */
export function portPowered(snapshot: PortSnapshot): boolean {
  // Read from the state value: matches() builds state paths on every call, and the board reads this after every transition.
  const power = powerValue(snapshot);
  return typeof power === 'object' && ('on' in power || 'stopping' in power);
}

/** GET_PI_HBT: true only while heartbeats arrive within HBT_TIME (on.alive). */
export function portHeartbeatHealthy(snapshot: PortSnapshot): boolean {
  const power = powerValue(snapshot);
  return typeof power === 'object' && power.on === 'alive';
}

/** The power region's value: a leaf state's name ('off', 'cycling') or its compound state with the child ({ on: 'alive' }). */
function powerValue(snapshot: PortSnapshot): string | Record<string, string> {
  return (snapshot.value as { power: string | Record<string, string> }).power;
}

/**
 * True when `event` would change nothing about a port but its snapshot object: MCU_RESET to a
 * port off with its switch off and its signal released (it re-enters both, which do nothing
 * there; the offCause it records is read only when power is cut, and every transition that
 * cuts it sets its own), or SETTINGS equal in value to its own while off (no timer or watch
 * reads them then). Every MCU boot sends both, to ports usually so: an uninspected board skips
 * them (Board.ts); an inspected one sends them, as its inspector sees the transitions.
 */
export function portUnmovedBy(snapshot: PortSnapshot, event: { type: 'MCU_RESET' } | { type: 'SETTINGS'; settings: PortSettings }): boolean {
  const value = snapshot.value as { power: unknown; signal: unknown };
  if (snapshot.status !== 'active' || value.power !== 'off' || snapshot.context.switchOn) return false;
  if (event.type === 'MCU_RESET') return value.signal === 'released';
  const a = snapshot.context.settings;
  const b = event.settings;
  return a.hbtTimeMs === b.hbtTimeMs && a.hbtDelayMs === b.hbtDelayMs && a.offDelayMs === b.offDelayMs && a.sigOffDelayMs === b.sigOffDelayMs && a.sigWidthMs === b.sigWidthMs;
}

/** The power region's state as a dotted path: 'off', 'on.alive', 'stopping.byBoard', 'cycling'. */
export function portStateName(snapshot: PortSnapshot): string {
  const power: unknown = (snapshot.value as { power: unknown }).power;
  if (typeof power === 'string') return power;
  const [parent, child] = Object.entries(power as Record<string, string>)[0] ?? ['?', '?'];
  return `${parent}.${child}`;
}
