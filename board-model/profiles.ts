/**
 * The built-in firmware profiles and loading profile files. A file may be partial: it gives
 * some fields plus `"base": "<builtin name>"` (default "v4-reference") and is deep-merged
 * over that base before validation, so a measured board only lists what differs.
 */
import { PROFILE_FORMAT, PROFILE_VERSION, profileSchema } from './profileSchema.ts';
import type { FirmwareProfile } from './profileSchema.ts';
import { CHECK_NAMES } from './busProfileSchema.ts';
import type { PiModel } from './piModelSchema.ts';
import { ConfigError, describeValue, parseJsonText, validate, withoutSchemaKey } from './ConfigError.ts';

const PI3B_PLUS: PiModel = {
  label: 'Raspberry Pi 3 Model B+',
  bootTimeMs: 25_000,
  bootCurrentA: 0.45,
  idleCurrentA: 0.4,
  loadCurrentA: 0.95,
  haltedCurrentA: 0.1,
  shortCircuitCurrentA: 6.0,
  heartbeatHighMs: 200,
  heartbeatPeriodMs: 5200,
  shutdownTimeMs: 8000,
  slowShutdownTimeMs: 60_000,
  undervoltageFlagV: 4.63,
  resetBelowV: 4.2,
  selfShutdownPulseMs: 200,
  heartbeatStaysHighAfterSelfShutdown: false,
};

const V4_DATA: FirmwareProfile = {
  format: PROFILE_FORMAT,
  version: PROFILE_VERSION,
  name: 'v4-reference',
  description: 'Reference guess for firmware v4 (FIRMWARE.md / PROTOCOL.md ASSUMED values); answers every command 0x02..0x29.',
  firmwareVersion: 4,
  hardwareVersion: 3,
  release: 'v4.1',
  unknownReleaseCode: 0x12,
  notImplemented: [],
  defaults: { prefix: 0x00, hbtTime: 15, hbtDelay: 90, offDelay: 30, sigOffDelay: 30, sigWidth: 2, piOnStartup: false },
  settingUnitMs: { hbtTime: 1000, hbtDelay: 1000, offDelay: 1000, sigOffDelay: 1000, sigWidth: 100 },
  hbtTimeZeroDisablesWatchdog: true,
  errorLog: { size: 32, pointer: 'next-slot', unusedSlot: 0x00, minLoggedCode: 0x0f, countedFrom: 0x10, countSaturates: 0xffff, bootCountSaturates: 0xffff, pointerWraps: true },
  gracefulOffDelay: 'off-delay',
  piOnCancelsShutdown: true,
  watchdogAction: 'power-cycle',
  cycleOffTimeMs: 5000,
  bus: {
    baud: 9600,
    bitsPerByte: 10,
    interByteGapByteTimes: 3.5,
    rxBufferBytes: 64,
    txBufferBytes: 64,
    replyDelayMs: 2,
    replyJitterMs: 1,
    checkOrder: [...CHECK_NAMES],
    overflowDropsUntilGap: true,
    logErrorReplies: true,
    echo: false,
    addressMask: 0xff,
    errorCodes: { tooShort: 0x10, truncated: 0x22, overflow: 0x21, crc: 0x11, unknownCommand: 0x12, notImplemented: 0x15, length: 0x13, piNumber: 0x14 },
  },
  mcu: { bootMs: 10, tornWriteOutageMs: 100 },
  regulator: { nominalV: 5.1, outputResistanceOhm: 0.03, currentLimitA: 5.0, dropoutV: 0.5, hiccupRetryMs: 1000, efficiency: 0.88, uvloV: 6.0, mcuBrownoutV: 4.0, boardDrawA: 0.02 },
  supply: { nominalV: 12 },
  leds: { enabledAtBoot: true, debugAtBoot: [0, 0, 0] },
  adc: { noiseCounts: 3, tolerance: 0.01, piPowerVoltage: 'pi-voltage' },
  piModels: {
    'pi3b+': PI3B_PLUS,
    pi4: {
      ...PI3B_PLUS,
      label: 'Raspberry Pi 4 Model B',
      bootTimeMs: 20_000,
      bootCurrentA: 0.7,
      idleCurrentA: 0.6,
      loadCurrentA: 1.3,
      haltedCurrentA: 0.2,
    },
    'pi-zero-2w': {
      ...PI3B_PLUS,
      label: 'Raspberry Pi Zero 2 W',
      bootTimeMs: 30_000,
      bootCurrentA: 0.3,
      idleCurrentA: 0.12,
      loadCurrentA: 0.5,
      haltedCurrentA: 0.03,
    },
  },
};

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The default profile, `v4-reference` (FIRMWARE.md preamble); frozen. */
export const V4_REFERENCE: FirmwareProfile = deepFreeze(validate(profileSchema, V4_DATA, 'builtin v4-reference'));

/**
 * Firmware v3 (`v3`): reports version 3 and answers the commands introduced with v4
 * (0x22..0x29) with 0x12, unknown command, since that firmware does not know them (F7 check 5).
 */
export const V3_PROFILE: FirmwareProfile = deepFreeze(
  validate(
    profileSchema,
    { ...V4_DATA, name: 'v3', description: 'Firmware v3: commands 0x22..0x29 did not exist yet and are answered with 0x12.', firmwareVersion: 3, release: 'v3' },
    'builtin v3',
  ),
);

/** Built-in profiles by name. */
export const BUILTIN_PROFILES: Readonly<Record<string, FirmwareProfile>> = Object.freeze({
  [V4_REFERENCE.name]: V4_REFERENCE,
  [V3_PROFILE.name]: V3_PROFILE,
});

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep merge for partial profiles: objects merge key by key, anything else (arrays too) replaces. */
function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(base[k], v);
  return out;
}

/**
 * Validate a profile object (from JSON). A partial object is merged over its `base` (a
 * builtin name, default "v4-reference"); a missing `name` becomes `source`. Throws a
 * ConfigError listing every problem as `source: field.path: what was wrong`.
 */
export function parseProfile(file: unknown, source: string): FirmwareProfile {
  const json = withoutSchemaKey(file);
  if (!isPlainObject(json)) {
    throw new ConfigError(source, [{ path: '', message: `expected a firmware profile object, got ${describeValue(json)}` }]);
  }
  const { base: baseName = V4_REFERENCE.name, ...patch } = json;
  const base = typeof baseName === 'string' ? BUILTIN_PROFILES[baseName] : undefined;
  if (base === undefined) {
    const known = Object.keys(BUILTIN_PROFILES).join(', ');
    throw new ConfigError(source, [{ path: 'base', message: `unknown base profile ${describeValue(baseName)} (builtin: ${known})` }]);
  }
  if (patch.name === undefined) patch.name = source;
  return validate(profileSchema, deepMerge(base, patch), source);
}

/** Parse a profile file's JSON text (a ConfigError gives line and column for bad JSON), then parseProfile. */
export function profileFromText(text: string, source: string): FirmwareProfile {
  return parseProfile(parseJsonText(text, source), source);
}
