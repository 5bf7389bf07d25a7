/**
 * The board's 5 V regulator, shared by both power ports (FIRMWARE.md sections 1 and 5).
 * It sags with load through its output resistance, cannot exceed input minus dropout, shuts
 * down below UVLO, and collapses the rail when the load passes its current limit: both Pis
 * brown out together (the PSU-sharing hazard). After a collapse it retries in hiccup mode.
 * The machine only tracks state; railVolts and inputCurrentA compute the electrical values.
 */
import { assign, emit, setup } from 'xstate';
import type { SnapshotFrom } from 'xstate';

/** Events: the board reports the input voltage and the total load of both ports. */
export type RegulatorEvent =
  | { type: 'INPUT'; volts: number } // input supply voltage (V)
  | { type: 'LOAD'; amps: number }; // total current drawn from the rail by both ports (A)

/** Events the regulator emits for timelines and the board. */
export type RegulatorEmitted =
  | { type: 'brownout'; loadA: number }
  | { type: 'recovered' }
  | { type: 'uvlo'; volts: number };

/** Electrical parameters of the regulator, from the firmware profile (FIRMWARE.md section 1, ASSUMED values). */
export interface RegulatorParams {
  /** Regulated output with no load (V). */
  nominalV: number;
  /** Output resistance: the rail sags by this times the load (ohm). */
  outputResistanceOhm: number;
  /** Loads above this collapse the rail (A). */
  currentLimitA: number;
  /** Output power over input power (0..1). */
  efficiency: number;
  /** Undervoltage lockout: off while the input is below this (V). */
  uvloV: number;
  /** The output cannot exceed the input minus this (V). */
  dropoutV: number;
  /** Hiccup mode: after a collapse, retry after this long (ms). */
  hiccupRetryMs: number;
}

/** The `v4-reference` regulator: 5.1 V, 0.03 ohm, 5 A limit, 88 %, UVLO 6 V, 0.5 V dropout, 1 s hiccup. */
export const DEFAULT_REGULATOR: RegulatorParams = {
  nominalV: 5.1,
  outputResistanceOhm: 0.03,
  currentLimitA: 5.0,
  efficiency: 0.88,
  uvloV: 6.0,
  dropoutV: 0.5,
  hiccupRetryMs: 1000,
};

/** What the board gives the regulator: its parameters and the input voltage at start (V). */
export interface RegulatorInput {
  params: RegulatorParams;
  inputVolts: number;
}

/** Context of a regulator: its parameters, the input (V) and the load last reported (A). */
export interface RegulatorContext {
  params: RegulatorParams;
  /** Input supply voltage (V). */
  inputVolts: number;
  /** Total load last reported (A). */
  loadA: number;
}

/** The input is at or above UVLO (a NaN input is not). */
function inputOk(context: RegulatorContext): boolean {
  return context.inputVolts >= context.params.uvloV;
}

/** The load is above the current limit. */
function overLimit(context: RegulatorContext): boolean {
  return context.loadA > context.params.currentLimitA;
}

/** A regulator's context at creation (the machine's `context`; also what a regulator created at rest starts with, atRest.ts). */
export function regulatorContext(input: RegulatorInput): RegulatorContext {
  return { params: input.params, inputVolts: input.inputVolts, loadA: 0 };
}

/**
 * The state a regulator's initial transition lands in, silently: off, or regulating when the
 * input is OK (with no load yet, never collapsed, unless a defect made the limit negative:
 * undefined, then only XState can tell).
 */
export function regulatorStartValue(input: RegulatorInput): 'off' | 'regulating' | undefined {
  const context = regulatorContext(input);
  if (!inputOk(context)) return 'off';
  return overLimit(context) ? undefined : 'regulating';
}

/** The shared 5 V regulator; create with `createActor(regulatorMachine, { input, clock })`. */
export const regulatorMachine = setup({
  types: {
    context: {} as RegulatorContext,
    events: {} as RegulatorEvent,
    input: {} as RegulatorInput,
    emitted: {} as RegulatorEmitted,
  },
  guards: {
    inputOk: ({ context }) => inputOk(context),
    inputLow: ({ context }) => !inputOk(context),
    overLimit: ({ context }) => overLimit(context),
  },
  actions: {
    brownout: emit(({ context }) => ({ type: 'brownout' as const, loadA: context.loadA })),
    uvlo: emit(({ context }) => ({ type: 'uvlo' as const, volts: context.inputVolts })),
  },
  delays: {
    hiccupRetry: ({ context }) => context.params.hiccupRetryMs,
  },
}).createMachine({
  id: 'regulator',
  initial: 'off',
  context: ({ input }) => regulatorContext(input),
  // Events only record the new value; each state's eventless transitions decide what it means.
  on: {
    INPUT: { actions: assign({ inputVolts: ({ event }) => event.volts }) },
    LOAD: { actions: assign({ loadA: ({ event }) => event.amps }) },
  },
  states: {
    off: {
      // Also the start: an input already above UVLO goes straight to regulating, silently.
      always: { guard: 'inputOk', target: 'regulating' },
    },
    regulating: {
      always: [
        { guard: 'inputLow', target: 'off', actions: 'uvlo' },
        { guard: 'overLimit', target: 'collapsed', actions: 'brownout' },
      ],
    },
    collapsed: {
      always: { guard: 'inputLow', target: 'off', actions: 'uvlo' },
      after: {
        // Hiccup: the board re-reports the load (about 0 while the rail is down); still too high collapses again.
        hiccupRetry: [
          { guard: 'overLimit', target: 'collapsed', reenter: true, actions: 'brownout' },
          { target: 'regulating', actions: emit({ type: 'recovered' }) },
        ],
      },
    },
  },
});

/** A snapshot of a regulator actor. */
export type RegulatorSnapshot = SnapshotFrom<typeof regulatorMachine>;

/** Rail voltage (V): min(nominal, input − dropout) − R × load while regulating, floored at 0; 0 when off or collapsed. */
export function railVolts(snapshot: RegulatorSnapshot): number {
  if (snapshot.value !== 'regulating') return 0; // a flat machine: its value is the state's name (cheaper than matches())
  const { params, inputVolts, loadA } = snapshot.context;
  const open = Math.min(params.nominalV, inputVolts - params.dropoutV);
  return Math.max(0, open - params.outputResistanceOhm * loadA);
}

/** Input current (A): rail power / efficiency / input volts, plus the board's own draw boardDrawA (A); 0 with no input. */
export function inputCurrentA(snapshot: RegulatorSnapshot, boardDrawA: number): number {
  const { params, inputVolts, loadA } = snapshot.context;
  if (!(inputVolts > 0)) return 0;
  const outputW = railVolts(snapshot) * loadA;
  return outputW / params.efficiency / inputVolts + boardDrawA;
}
