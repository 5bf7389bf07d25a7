/**
 * The board MCU (FIRMWARE.md sections 2, 3 and 7): power and boot, the persistent config and
 * error blocks with their CRCs, the error log, LEDs, and command dispatch through the protocol
 * table. Hardware it drives (ports, ADC, flash, the UART) is reached through `McuIo`.
 */
import { enqueueActions, setup, type Actor } from 'xstate';
import type { FirmwareProfile } from './profileSchema.ts';
import type { Flash } from './firmware/Flash.ts';
import { decodeConfig, decodeErrors, emptyErrors, encodeConfig, encodeErrors, type BlockName, type ConfigBlock, type ErrorBlock } from './firmware/flashBlocks.ts';
import { countBoot, errorLogRules, logCode } from './firmware/errorLog.ts';
import { boardIdOf, dispatch, type BoardHardware, type DispatchResult, type McuState, type PortAction } from './firmware/dispatch.ts';
import type { ReceivedFrame } from './BoardReceiver.ts';

/** Events of the MCU: power, reset and received frames. */
export type McuEvent =
  | { type: 'POWER_UP' }
  | { type: 'POWER_DOWN' }
  | { type: 'RESET' }
  /** `outcome`: the frame already dispatched against the RAM `against` (deliverFrame did so); used while that is still the RAM. */
  | { type: 'FRAME'; frame: ReceivedFrame; outcome?: DispatchResult; against?: McuState }
  /** Internal: a flash write was just torn (FIRMWARE.md section 2); the board loses power. */
  | { type: 'FLASH_TORN'; block: BlockName }
  /** Internal: the torn write's power loss, after its event is out. */
  | { type: 'POWER_LOST' };

/** What the MCU tells the outside world (the event log). */
export type McuEmitted =
  | { type: 'mcu-boot'; bootCount: number }
  | { type: 'config-restored' }
  | { type: 'errors-restored' }
  | { type: 'torn-write'; block: 'config' | 'errors' };

/** The hardware around the MCU. */
export interface McuIo extends BoardHardware {
  readonly flash: Flash;
  /** Send a port command (PI_ON ...) or MCU_RESET to a port. */
  port(pi: 0 | 1, action: PortAction['type'] | 'MCU_RESET'): void;
  /** Apply a port's (new) settings. */
  settings(pi: 0 | 1, config: ConfigBlock['ports'][0]): void;
  /** Send a reply on the bus, REPLY_DELAY after the request's last byte (at, ms). */
  reply(bytes: Uint8Array, requestEndAt: number): void;
  /** Cancel replies not yet sent (the MCU reset). */
  cancelReplies(): void;
  /** A flash write was torn by a power loss: the board must lose power now. */
  powerLost(): void;
  /** A request was handled (after its reply and port actions): the command run or error code replied; `at` ms. */
  handled?(summary: DispatchResult['summary'], at: number): void;
}

/** Input of the MCU machine. */
export interface McuInput {
  profile: FirmwareProfile;
  io: McuIo;
}

/** Context of the MCU machine: profile, hardware, and the RAM state while powered. */
export interface McuContext {
  profile: FirmwareProfile;
  io: McuIo;
  /** RAM state; undefined while unpowered. */
  ram: McuState | undefined;
}

/** The config block a board starts with after a CRC failure or on a fresh flash. */
export function defaultConfig(profile: FirmwareProfile): ConfigBlock {
  const d = profile.defaults;
  const port = { hbtTime: d.hbtTime, hbtDelay: d.hbtDelay, offDelay: d.offDelay, sigOffDelay: d.sigOffDelay, sigWidth: d.sigWidth, piOnStartup: d.piOnStartup };
  return { prefix: d.prefix, ports: [{ ...port }, { ...port }] };
}

/** The error block of a fresh flash or after a CRC failure: counters zero, every log slot the profile's unused value. */
export function defaultErrors(profile: FirmwareProfile): ErrorBlock {
  const size = profile.errorLog.size;
  return { ...emptyErrors(size), log: new Uint8Array(size).fill(profile.errorLog.unusedSlot) };
}

/** Write a block; false when the write was torn (the board then loses power). */
function writeBlock(io: McuIo, block: 'config' | 'errors', bytes: Uint8Array): boolean {
  return io.flash.write(block, bytes) === 'ok';
}

/**
 * Boot steps 1-2 of FIRMWARE.md section 3: load and check both blocks, count the boot, log 0x0F;
 * `dip` is the DIP switch as read now (0..15), kept until the next boot (PROTOCOL.md section 4).
 */
export function bootState(profile: FirmwareProfile, flash: Flash, dip = 0): { ram: McuState; configRestored: boolean; errorsRestored: boolean } {
  const rules = errorLogRules(profile);
  let config = decodeConfig(flash.read('config'));
  const configRestored = config === undefined;
  config ??= defaultConfig(profile);
  let errors = decodeErrors(flash.read('errors'), profile.errorLog.size);
  const errorsRestored = errors === undefined;
  errors ??= defaultErrors(profile);
  // Failures are logged after the reset block is in place (FIRMWARE.md section 2).
  if (configRestored) errors = logCode(errors, 0x40, rules);
  if (errorsRestored) errors = logCode(errors, 0x41, rules);
  errors = logCode(countBoot(errors, rules), 0x0f, rules);
  const ram: McuState = { config, errors, ledsEnabled: profile.leds.enabledAtBoot, debugLed: [...profile.leds.debugAtBoot], dip: dip & 0x0f };
  return { ram, configRestored, errorsRestored };
}

/**
 * What a handled request does outside the RAM: the reply, new port settings and flash writes
 * when the config or error block changed, port actions, the `handled` report. Returns the block
 * whose write was torn, if one was.
 */
function applyOutcome(io: McuIo, frame: ReceivedFrame, before: McuState, result: DispatchResult): BlockName | undefined {
  const after = result.state;
  if (result.reply) io.reply(result.reply, frame.at);
  let torn: BlockName | undefined;
  if (after.config !== before.config) {
    for (const pi of [0, 1] as const) if (after.config.ports[pi] !== before.config.ports[pi]) io.settings(pi, after.config.ports[pi]);
    if (!writeBlock(io, 'config', encodeConfig(after.config))) torn = 'config';
  }
  if (!torn && after.errors !== before.errors && !writeBlock(io, 'errors', encodeErrors(after.errors))) torn = 'errors';
  for (const action of result.actions) io.port(action.pi, action.type);
  io.handled?.(result.summary, frame.at);
  return torn;
}

/** The MCU's context at creation (the machine's `context`; also what an MCU created at rest starts with, atRest.ts). */
export function mcuContext(input: McuInput): McuContext {
  return { profile: input.profile, io: input.io, ram: undefined };
}

/** The state the MCU starts in, whatever its input: unpowered, which has no entry action. */
export const MCU_START_VALUE = 'unpowered';

/** The board MCU machine. */
export const boardMcuMachine = setup({
  types: {
    context: {} as McuContext,
    events: {} as McuEvent,
    input: {} as McuInput,
    emitted: {} as McuEmitted,
  },
  delays: {
    bootTime: ({ context }) => context.profile.mcu.bootMs,
  },
  actions: {
    shutDown: enqueueActions(({ context, enqueue }) => {
      context.io.cancelReplies();
      context.io.port(0, 'MCU_RESET');
      context.io.port(1, 'MCU_RESET');
      enqueue.assign({ ram: undefined });
    }),
    boot: enqueueActions(({ context, enqueue }) => {
      const { io, profile } = context;
      io.cancelReplies();
      const { ram, configRestored, errorsRestored } = bootState(profile, io.flash, io.dip());
      enqueue.assign({ ram });
      if (configRestored) enqueue.emit({ type: 'config-restored' });
      if (errorsRestored) enqueue.emit({ type: 'errors-restored' });
      enqueue.emit({ type: 'mcu-boot', bootCount: ram.errors.bootCount });
      // Step 3: both ports off, settings applied.
      for (const pi of [0, 1] as const) {
        io.port(pi, 'MCU_RESET');
        io.settings(pi, ram.config.ports[pi]);
      }
      let torn: BlockName | undefined;
      if (configRestored && !writeBlock(io, 'config', encodeConfig(ram.config))) torn = 'config';
      else if (!writeBlock(io, 'errors', encodeErrors(ram.errors))) torn = 'errors';
      if (torn) enqueue.raise({ type: 'FLASH_TORN', block: torn });
    }),
    // Emitted, then the power loss is sent to self: emits are delivered at the end of the
    // macrostep, so the log reads torn-write before the outage (uvlo, mcu-off) it causes.
    flashTorn: enqueueActions(({ event, enqueue, self }) => {
      if (event.type !== 'FLASH_TORN') return;
      enqueue.emit({ type: 'torn-write', block: event.block });
      enqueue.sendTo(self, { type: 'POWER_LOST' });
    }),
    powerLost: ({ context }) => context.io.powerLost(),
    startupPorts: ({ context }) => {
      const ram = context.ram;
      if (!ram) return;
      for (const pi of [0, 1] as const) if (ram.config.ports[pi].piOnStartup) context.io.port(pi, 'PI_ON');
    },
    handleFrame: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'FRAME' || !context.ram) return;
      const before = context.ram;
      const result = event.outcome !== undefined && event.against === before ? event.outcome : dispatch(event.frame, before, context.io, context.profile);
      if (result.state !== before) enqueue.assign({ ram: result.state });
      const torn = applyOutcome(context.io, event.frame, before, result);
      if (torn) enqueue.raise({ type: 'FLASH_TORN', block: torn });
    }),
  },
}).createMachine({
  id: 'boardMcu',
  context: ({ input }) => mcuContext(input),
  initial: 'unpowered',
  states: {
    unpowered: {
      on: { POWER_UP: 'booting' },
    },
    booting: {
      entry: 'boot',
      after: { bootTime: 'running' },
      on: {
        POWER_DOWN: { target: 'unpowered', actions: 'shutDown' },
        RESET: { target: 'booting', reenter: true },
        FLASH_TORN: { actions: 'flashTorn' },
        POWER_LOST: { actions: 'powerLost' },
      },
    },
    running: {
      entry: 'startupPorts',
      on: {
        FRAME: { actions: 'handleFrame' },
        POWER_DOWN: { target: 'unpowered', actions: 'shutDown' },
        RESET: 'booting',
        FLASH_TORN: { actions: 'flashTorn' },
        POWER_LOST: { actions: 'powerLost' },
      },
    },
  },
});

/** The board's current ID (prefix and the DIP read at boot), or undefined while the MCU is unpowered. */
export function mcuBoardId(ram: McuState | undefined): number | undefined {
  return ram ? boardIdOf(ram.config, ram.dip) : undefined;
}

/**
 * Hand a received frame to a started MCU actor. A request that leaves the RAM as it was (a
 * read: the bulk of bus traffic) is handled here without an XState transition, which would
 * change nothing observable: same state, same context, so snapshot observers have nothing new
 * to see, and the reply and port actions are the machine's own (applyOutcome). Anything else
 * is sent as FRAME, with the dispatch already done; so is a read when `toMachine` is true (an
 * inspected board's first frame: see Board). Returns true when the machine took the frame
 * while running (its FRAME transition), false when it was handled here or not running.
 */
export function deliverFrame(mcu: Actor<typeof boardMcuMachine>, frame: ReceivedFrame, toMachine = false): boolean {
  const snapshot = mcu.getSnapshot();
  const { io, profile, ram } = snapshot.context;
  if (snapshot.status !== 'active' || snapshot.value !== 'running' || ram === undefined) {
    mcu.send({ type: 'FRAME', frame });
    return false;
  }
  const outcome = dispatch(frame, ram, io, profile);
  if (toMachine || outcome.state !== ram) {
    mcu.send({ type: 'FRAME', frame, outcome, against: ram });
    return true;
  }
  applyOutcome(io, frame, ram, outcome);
  return false;
}
