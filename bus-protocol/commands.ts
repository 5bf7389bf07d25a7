/**
 * The command table of PROTOCOL.md section 5, as data. Encoder, decoder, host client and the
 * simulated board's dispatcher all walk this one table.
 */

/** Wire types of fields: big-endian unsigned integers, or the rest of the frame as bytes. */
export type WireType = 'u8' | 'u16' | 'u32' | 'bytes';

/** One named field of a request or response payload. */
export interface FieldSpec {
  readonly name: string;
  readonly type: WireType;
}

/**
 * Firmware release that introduced a command: 'v3' for the original set (0x02..0x21),
 * 'v4' for 0x22..0x25, 'v4.1' for 0x26..0x29 ("right after v4", PROTOCOL.md section 5).
 */
export type FirmwareRelease = 'v3' | 'v4' | 'v4.1';

/** Ordering of releases, for "is this command in that firmware?" checks. */
export const RELEASE_ORDER: readonly FirmwareRelease[] = ['v3', 'v4', 'v4.1'];

/** What a command does to the board, which decides whether the client may retry it. */
export type CommandEffect = 'read' | 'write';

interface CommandSpec {
  readonly code: number;
  readonly request: readonly FieldSpec[];
  readonly response: readonly FieldSpec[];
  readonly since: FirmwareRelease;
  readonly effect: CommandEffect;
  readonly summary: string;
}

const PI = { name: 'pi', type: 'u8' } as const;
const VALUE = { name: 'value', type: 'u8' } as const;
const RAW16 = { name: 'raw', type: 'u16' } as const;
const RAW32 = { name: 'raw', type: 'u32' } as const;

/** Every request command of firmware v4, keyed by the spec's name. */
export const COMMANDS = {
  GET_SW_VERSION: { code: 0x02, request: [], response: [{ name: 'version', type: 'u8' }], since: 'v3', effect: 'read', summary: 'firmware version' },
  GET_HW_VERSION: { code: 0x03, request: [], response: [{ name: 'version', type: 'u8' }], since: 'v3', effect: 'read', summary: 'hardware version (2 or 3)' },
  LEDS_ON: { code: 0x04, request: [], response: [], since: 'v3', effect: 'write', summary: 'enable the LEDs' },
  LEDS_OFF: { code: 0x05, request: [], response: [], since: 'v3', effect: 'write', summary: 'disable the LEDs' },
  DEBUG_LED: {
    code: 0x06,
    request: [{ name: 'red', type: 'u8' }, { name: 'green', type: 'u8' }, { name: 'blue', type: 'u8' }],
    response: [], since: 'v3', effect: 'write', summary: 'set the RGB debug LED',
  },
  SET_ID_PREFIX: { code: 0x07, request: [{ name: 'prefix', type: 'u8' }], response: [], since: 'v3', effect: 'write', summary: 'set the ID prefix (high nibble)' },
  GET_ID_PREFIX: { code: 0x08, request: [], response: [{ name: 'prefix', type: 'u8' }], since: 'v3', effect: 'read', summary: 'ID prefix' },
  GET_ID: { code: 0x09, request: [], response: [{ name: 'id', type: 'u8' }], since: 'v3', effect: 'read', summary: 'board ID' },
  GET_VIN: { code: 0x0a, request: [], response: [RAW16], since: 'v3', effect: 'read', summary: 'input voltage (raw ADC)' },
  GET_CIN: { code: 0x0b, request: [], response: [RAW16], since: 'v3', effect: 'read', summary: 'input current (raw ADC)' },
  GET_5V: { code: 0x0c, request: [], response: [RAW16], since: 'v3', effect: 'read', summary: '5 V rail voltage (raw ADC)' },
  GET_PI_V: { code: 0x0d, request: [PI], response: [RAW16], since: 'v3', effect: 'read', summary: 'Pi port voltage (raw ADC)' },
  GET_PI_C: { code: 0x0e, request: [PI], response: [RAW16], since: 'v3', effect: 'read', summary: 'Pi port current (raw ADC)' },
  GET_PI_HBT: { code: 0x0f, request: [PI], response: [{ name: 'healthy', type: 'u8' }], since: 'v3', effect: 'read', summary: '1 while heartbeats arrive in time' },
  GET_PI_POWERED: { code: 0x10, request: [PI], response: [{ name: 'powered', type: 'u8' }], since: 'v3', effect: 'read', summary: '1 while the load switch is on' },
  PI_ON: { code: 0x11, request: [PI], response: [], since: 'v3', effect: 'write', summary: 'switch a Pi on' },
  PI_OFF: { code: 0x12, request: [PI], response: [], since: 'v3', effect: 'write', summary: 'graceful off: signal, then power off after the delay' },
  PI_FORCE_OFF: { code: 0x13, request: [PI], response: [], since: 'v3', effect: 'write', summary: 'switch a Pi off now' },
  GET_HBT_TIME: { code: 0x14, request: [PI], response: [VALUE], since: 'v3', effect: 'read', summary: 'heartbeat timeout (s)' },
  SET_HBT_TIME: { code: 0x15, request: [PI, VALUE], response: [], since: 'v3', effect: 'write', summary: 'set heartbeat timeout (s)' },
  GET_HBT_DELAY: { code: 0x16, request: [PI], response: [VALUE], since: 'v3', effect: 'read', summary: 'heartbeat grace after power-on (s)' },
  SET_HBT_DELAY: { code: 0x17, request: [PI, VALUE], response: [], since: 'v3', effect: 'write', summary: 'set heartbeat grace after power-on (s)' },
  GET_OFF_DELAY: { code: 0x18, request: [PI], response: [VALUE], since: 'v3', effect: 'read', summary: 'graceful-off power delay (s)' },
  SET_OFF_DELAY: { code: 0x19, request: [PI, VALUE], response: [], since: 'v3', effect: 'write', summary: 'set graceful-off power delay (s)' },
  GET_SIG_OFF_DELAY: { code: 0x1a, request: [PI], response: [VALUE], since: 'v3', effect: 'read', summary: 'Pi-initiated off power delay (s)' },
  SET_SIG_OFF_DELAY: { code: 0x1b, request: [PI, VALUE], response: [], since: 'v3', effect: 'write', summary: 'set Pi-initiated off power delay (s)' },
  GET_ERROR_BUFFER: { code: 0x1c, request: [], response: [{ name: 'log', type: 'bytes' }], since: 'v3', effect: 'read', summary: 'the whole error log in storage order' },
  CLEAR_ERROR_BUFFER: { code: 0x1d, request: [], response: [], since: 'v3', effect: 'write', summary: 'zero the error log and its pointer' },
  GET_ERROR_COUNT: { code: 0x1e, request: [], response: [{ name: 'count', type: 'u16' }], since: 'v3', effect: 'read', summary: 'number of errors logged' },
  CLEAR_ERROR_COUNT: { code: 0x1f, request: [], response: [], since: 'v3', effect: 'write', summary: 'zero the error count and the boot count' },
  GET_ERROR_POINTER: { code: 0x20, request: [], response: [{ name: 'pointer', type: 'u8' }], since: 'v3', effect: 'read', summary: 'index of the next error-log slot' },
  SEND_SIG: { code: 0x21, request: [PI], response: [], since: 'v3', effect: 'write', summary: 'test: pulse the shutdown signal only' },
  GET_PI_ON_STARTUP: { code: 0x22, request: [PI], response: [{ name: 'enabled', type: 'u8' }], since: 'v4', effect: 'read', summary: 'power the Pi on at board boot' },
  SET_PI_ON_STARTUP: { code: 0x23, request: [PI, { name: 'enabled', type: 'u8' }], response: [], since: 'v4', effect: 'write', summary: 'set power-on at board boot' },
  GET_SIG_WIDTH: { code: 0x24, request: [PI], response: [VALUE], since: 'v4', effect: 'read', summary: 'shutdown pulse width (x100 ms)' },
  SET_SIG_WIDTH: { code: 0x25, request: [PI, VALUE], response: [], since: 'v4', effect: 'write', summary: 'set shutdown pulse width (x100 ms)' },
  GET_POWER: { code: 0x26, request: [], response: [RAW32], since: 'v4.1', effect: 'read', summary: 'input power (raw Vin x raw Cin)' },
  GET_5V_POWER: { code: 0x27, request: [], response: [RAW32], since: 'v4.1', effect: 'read', summary: '5 V power of both Pis (raw)' },
  GET_PI_POWER: { code: 0x28, request: [PI], response: [RAW32], since: 'v4.1', effect: 'read', summary: 'power of one Pi (raw)' },
  GET_BOOT_COUNT: { code: 0x29, request: [], response: [{ name: 'count', type: 'u16' }], since: 'v4.1', effect: 'read', summary: 'boots since last CLEAR_ERROR_COUNT' },
} as const satisfies Record<string, CommandSpec>;

/** The spec's name of a request command. */
export type CommandName = keyof typeof COMMANDS;

/** The two status codes of byte 0 of a response (never requests). */
export const STATUS = { OK: 0x00, ERROR: 0x01 } as const;

/** Every code 0x00..0x29 with what it is: a response status or a request command. */
export const CODE_TABLE: ReadonlyArray<{ code: number; name: string; kind: 'status' | 'command' }> = [
  { code: STATUS.OK, name: 'STATUS_OK', kind: 'status' },
  { code: STATUS.ERROR, name: 'STATUS_ERROR', kind: 'status' },
  ...Object.entries(COMMANDS).map(([name, spec]) => ({ code: spec.code, name, kind: 'command' as const })),
];

/** All command names in code order. */
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

const BY_CODE = new Map<number, CommandName>(COMMAND_NAMES.map((name) => [COMMANDS[name].code, name]));

/** Name of the command with this code, or undefined when the code is not a request command. */
export function commandByCode(code: number): CommandName | undefined {
  return BY_CODE.get(code);
}

/** Bytes of one field on the wire; undefined for 'bytes' (variable). */
export function fieldSize(type: WireType): number | undefined {
  return type === 'u8' ? 1 : type === 'u16' ? 2 : type === 'u32' ? 4 : undefined;
}

function payloadSize(fields: readonly FieldSpec[]): number {
  return fields.reduce((sum, f) => sum + (fieldSize(f.type) ?? 0), 0);
}

/** Per-command facts the simulator and clients read for every frame, worked out once. */
const FACTS = new Map(
  COMMAND_NAMES.map((name) => [name, {
    requestLen: 3 + payloadSize(COMMANDS[name].request),
    responseLen: 3 + payloadSize(COMMANDS[name].response),
    takesPi: COMMANDS[name].request.some((f) => f.name === 'pi'),
    since: RELEASE_ORDER.indexOf(COMMANDS[name].since),
  }]),
);

function facts(name: CommandName): { requestLen: number; responseLen: number; takesPi: boolean; since: number } {
  const f = FACTS.get(name);
  if (f === undefined) throw new TypeError(`not a command name: ${String(name)}`);
  return f;
}

/** Request LEN byte (3 + argument bytes) of a command. */
export function requestLen(name: CommandName): number {
  return facts(name).requestLen;
}

/**
 * OK response LEN byte (3 + payload bytes). For GET_ERROR_BUFFER the payload is variable:
 * this is the minimum (3), and the real length is 3 + the error log size.
 */
export function responseLen(name: CommandName): number {
  return facts(name).responseLen;
}

/** True when the command has a 'pi' argument (PROTOCOL.md section 2). */
export function takesPi(name: CommandName): boolean {
  return facts(name).takesPi;
}

/** True when the command exists in the given firmware release. */
export function inRelease(name: CommandName, release: FirmwareRelease): boolean {
  return facts(name).since <= RELEASE_ORDER.indexOf(release);
}

/**
 * Resolve a user-typed command name: case-insensitive, '-' or '_' (e.g. "pi-on", "Get_Vin").
 * Returns undefined when nothing matches.
 */
export function parseCommandName(text: string): CommandName | undefined {
  const wanted = text.trim().toUpperCase().replace(/-/g, '_');
  return COMMAND_NAMES.find((n) => n === wanted);
}
