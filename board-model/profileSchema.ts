/**
 * Schema of the firmware profile (FIRMWARE.md preamble): every behaviour and number the
 * specs mark ASSUMED, as one versioned, JSON-serialisable object. A profile measured on a
 * real board replaces the default `v4-reference` (profiles.ts). F = FIRMWARE.md, P = PROTOCOL.md.
 */
import { z } from 'zod';
import { COMMAND_NAMES, RELEASE_ORDER, parseCommandName } from '../bus-protocol/commands.ts';
import type { CommandName } from '../bus-protocol/commands.ts';
import { intIn, msIn, nonEmpty, nonNegative, positive, prefixField, realIn, u8 } from './fields.ts';
import { busProfileSchema } from './busProfileSchema.ts';
import { piModelSchema } from './piModelSchema.ts';

/** The `format` tag of a profile file. */
export const PROFILE_FORMAT = 'pistack-firmware-profile';

/** The profile layout version this build reads and writes. */
export const PROFILE_VERSION = 1;

const commandName = z.string().transform((text, ctx): CommandName => {
  const name = parseCommandName(text);
  if (name === undefined) {
    ctx.addIssue({ code: 'custom', message: `unknown command ${JSON.stringify(text)} (known: ${COMMAND_NAMES.join(', ')})`, input: text });
    return z.NEVER;
  }
  return name;
});

/**
 * Physical bounds of the profile's times (ms). A firmware tick is at least 1 ms, and a timer
 * that re-arms faster than a real part could would make the simulator run away (issue 10).
 */
export const PROFILE_BOUNDS = {
  /** ms per unit of a per-Pi setting: 1 ms..1 h. */
  settingUnitMs: [1, 3_600_000],
  /** Off time of a watchdog power cycle: 100 ms..1 h (a load switch and a Pi need that long to drop). */
  cycleOffTimeMs: [100, 3_600_000],
  /** MCU boot: 0..60 s. */
  bootMs: [0, 60_000],
  /** Torn-write outage: 1 ms..60 s. */
  tornWriteOutageMs: [1, 60_000],
  /** Regulator hiccup retry: 10 ms..60 s. */
  hiccupRetryMs: [10, 60_000],
} as const;

const unit = msIn(...PROFILE_BOUNDS.settingUnitMs, 'a timer unit is at least 1 ms, at most 1 h');

const settingUnits = z.strictObject({
  /** ms per unit of HBT_TIME, 1..3600000. F2: seconds. */
  hbtTime: unit,
  /** ms per unit of HBT_DELAY, 1..3600000. F2: seconds. */
  hbtDelay: unit,
  /** ms per unit of OFF_DELAY, 1..3600000. F2: seconds. */
  offDelay: unit,
  /** ms per unit of SIG_OFF_DELAY, 1..3600000. F2: seconds. */
  sigOffDelay: unit,
  /** ms per unit of SIG_WIDTH, 1..3600000. F2: 100 ms. */
  sigWidth: unit,
});

/** Zod schema of a complete firmware profile (partial files are merged over a base first, profiles.ts). */
export const profileSchema = z
  .strictObject({
    /** File format tag, always "pistack-firmware-profile". */
    format: z.literal(PROFILE_FORMAT),
    /** Layout version of this object (1). */
    version: z.literal(PROFILE_VERSION),
    /** Profile name, e.g. "v4-reference". */
    name: nonEmpty,
    /** Free text: where the numbers come from (e.g. "measured on board #3"). */
    description: z.string().optional(),
    /** u8 answered to GET_SW_VERSION. P5: 4. */
    firmwareVersion: u8,
    /** Answer to GET_HW_VERSION and the Pi-voltage divider used for readings (2 or 3). P5, P7, F5: 3. */
    hardwareVersion: z.literal([2, 3]),
    /** Which commands exist: 'v3' (0x02..0x21), 'v4' (+0x22..0x25), 'v4.1' (+0x26..0x29). P5. */
    release: z.enum(RELEASE_ORDER as ['v3', 'v4', 'v4.1']),
    /** Error code for a command newer than `release` (that firmware does not know it). F7 check 5: 0x12. */
    unknownReleaseCode: u8,
    /** Commands this firmware knows but answers with bus.errorCodes.notImplemented. F7 check 5. */
    notImplemented: z.array(commandName),
    /** Config block defaults, used at first boot and after a config CRC failure. F2. */
    defaults: z.strictObject({
      /** ID prefix (high nibble). F2: 0x00. */
      prefix: prefixField,
      /** HBT_TIME, heartbeat timeout (units of settingUnitMs.hbtTime). F2: 15. */
      hbtTime: u8,
      /** HBT_DELAY, grace after power-on before the first heartbeat (units). F2: 90. */
      hbtDelay: u8,
      /** OFF_DELAY, graceful-off power delay (units). F2: 30. */
      offDelay: u8,
      /** SIG_OFF_DELAY, Pi-initiated off power delay (units). F2: 30. */
      sigOffDelay: u8,
      /** SIG_WIDTH, shutdown pulse width (units of 100 ms). F2: 2. */
      sigWidth: u8,
      /** PI_ON_STARTUP: power the Pi on at board boot. F2: false. */
      piOnStartup: z.boolean(),
    }),
    /** Milliseconds per unit of each per-Pi setting. F2. */
    settingUnitMs: settingUnits,
    /** HBT_TIME 0 disables that Pi's watchdog. F2: true. */
    hbtTimeZeroDisablesWatchdog: z.boolean(),
    /** The persistent error log. F2. */
    errorLog: z.strictObject({
      /** Slots in the ring buffer; GET_ERROR_BUFFER returns all of them (bytes, max 252 so LEN fits a u8). F2: 32. */
      size: intIn(1, 252),
      /** What the pointer indexes: the next slot to write, or the last slot written. F2: 'next-slot'. */
      pointer: z.enum(['next-slot', 'last-written']),
      /** What an unused slot reads as. F2: 0x00. */
      unusedSlot: u8,
      /** Lowest code stored in the log ("codes above 0x0E"). F2: 0x0F. */
      minLoggedCode: u8,
      /** Lowest stored code that also increments the error count. F2: 0x10. */
      countedFrom: u8,
      /** Error count stops at this value (u16). F2: 0xFFFF. */
      countSaturates: intIn(1, 0xffff),
      /** Boot count stops at this value (u16; the spec does not say, saturation assumed like the error count). F2. */
      bootCountSaturates: intIn(1, 0xffff),
      /**
       * The pointer wraps to slot 0 after the last slot. F2: true. False is a deliberately broken
       * firmware (the pointer sticks at the last slot), only for proving the fuzzer catches it.
       */
      pointerWraps: z.boolean().default(true),
    }),
    /** Which delay a board-initiated PI_OFF waits before removing power. F4: 'off-delay'. */
    gracefulOffDelay: z.enum(['off-delay', 'sig-off-delay']),
    /** PI_ON during a pending board-initiated shutdown cancels it. F4: true. */
    piOnCancelsShutdown: z.boolean(),
    /** What a watchdog expiry does besides GET_PI_HBT reading 0. F4: 'power-cycle'. */
    watchdogAction: z.enum(['power-cycle', 'report-only']),
    /** Off time of a watchdog power cycle (ms, 100..3600000). F4 CYCLE_OFF_TIME: 5000. */
    cycleOffTimeMs: msIn(...PROFILE_BOUNDS.cycleOffTimeMs, 'a power cycle is at least 100 ms, at most 1 h'),
    /** Bus timing and request checking. P1, F7. */
    bus: busProfileSchema,
    /** The board's microcontroller. F1, F3. */
    mcu: z.strictObject({
      /** Power-up or reset to listening on the bus (ms, 0..60000; not in the spec): 10. */
      bootMs: msIn(...PROFILE_BOUNDS.bootMs, 'an MCU boots within a minute'),
      /** Length of the power loss that tears a flash write under the torn-write fault (ms, 1..60000; not in the spec): 100. F2. */
      tornWriteOutageMs: msIn(...PROFILE_BOUNDS.tornWriteOutageMs, 'an outage of 1 ms to 1 minute'),
    }),
    /** The board's 5 V regulator (one per board, both Pis share it). F1, F5. */
    regulator: z.strictObject({
      /** No-load output voltage (V). F1: 5.1. */
      nominalV: nonNegative,
      /** Output resistance: the rail sags by this times the total current (ohm). F1: 0.03. */
      outputResistanceOhm: nonNegative,
      /** Above this total current the rail collapses and both Pis brown out (A). F1, F5: 5.0. */
      currentLimitA: positive,
      /** The output cannot exceed the input minus this (V; not in the spec): 0.5. */
      dropoutV: nonNegative,
      /** After an overcurrent collapse the regulator retries after this long, hiccup mode (ms, 10..60000; not in the spec): 1000. */
      hiccupRetryMs: msIn(...PROFILE_BOUNDS.hiccupRetryMs, 'a hiccup retry of 10 ms to 1 minute'),
      /** Output power / input power (0..1]. F1: 0.88. */
      efficiency: realIn(0.01, 1),
      /** Regulator off while the input is below this (V). F1: 6.0. */
      uvloV: nonNegative,
      /** MCU browns out (and resets on recovery) below this input (V). F1, F3: 4.0. */
      mcuBrownoutV: nonNegative,
      /** Board's own input current, MCU and LEDs (A). F5: 0.02. */
      boardDrawA: nonNegative,
    }),
    /** The stack's shared input supply. F1. */
    supply: z.strictObject({
      /** Nominal input voltage (V). F1: 12. */
      nominalV: nonNegative,
    }),
    /** LED state at boot. F1. */
    leds: z.strictObject({
      /** Global LED enable at boot. F1: true. */
      enabledAtBoot: z.boolean(),
      /** RGB debug LED at boot (u8 each). F1: [0, 0, 0]. */
      debugAtBoot: z.tuple([u8, u8, u8]),
    }),
    /** How readings are produced from electrical values. F5, P7. */
    adc: z.strictObject({
      /** Seeded noise added to each reading, uniform in +-noiseCounts (ADC counts). F5: 3. */
      noiseCounts: nonNegative,
      /** Per-board gain error, seeded uniform in +-tolerance (fraction). F5: 0.01. */
      tolerance: realIn(0, 0.5),
      /** Voltage multiplied by the Pi current for GET_PI_POWER. P7 (ASSUMED): 'pi-voltage'. */
      piPowerVoltage: z.enum(['pi-voltage', 'rail-voltage']),
    }),
    /** Simulated Pi models by name, as used in stack descriptions. F6. */
    piModels: z.record(nonEmpty, piModelSchema),
  })
  .superRefine((p, ctx) => {
    if (Object.keys(p.piModels).length === 0) ctx.addIssue({ code: 'custom', path: ['piModels'], message: 'must define at least one Pi model', input: p.piModels });
  });

/** A complete, validated firmware profile. */
export type FirmwareProfile = z.output<typeof profileSchema>;
