/**
 * The typed host client: one method per command of PROTOCOL.md section 5, readings converted
 * to V, A and W (section 7), and bus discovery. Transactions, timeouts and retries live in
 * BusClient; this file only names and converts.
 */
import { BusClient, DEFAULT_REPLY_TIMEOUT_MS, type StackClientOptions } from './BusClient.ts';
import { COMMANDS, type CommandName } from './commands.ts';
import { rawPowerToWatts, rawToUnits, type PowerReading, type Reading } from './conversions.ts';
import { BoardError, CrcError, MalformedReplyError, NoReplyError } from './errors.ts';
import { CommandNotInFirmwareError, versionHas } from './firmwareRelease.ts';
import { scanBus, type FirmwareOutcome, type ProbeOutcome, type ScanOptions, type ScanResult } from './scan.ts';
import type { ByteTransport } from './transport.ts';
import type { ArgsParam, ResponsePayload } from './types.ts';

/** How each analog command converts: an ADC reading or a u32 power product. */
const MEASURES = {
  GET_VIN: { adc: 'vin' },
  GET_CIN: { adc: 'cin' },
  GET_5V: { adc: 'rail5v' },
  GET_PI_V: { adc: 'piV' },
  GET_PI_C: { adc: 'piC' },
  GET_POWER: { power: 'input' },
  GET_5V_POWER: { power: 'rail5v' },
  GET_PI_POWER: { power: 'pi' },
} as const satisfies Record<string, { adc: Reading } | { power: PowerReading }>;

/** Commands whose reply is a raw reading with a physical value. */
export type MeasureCommand = keyof typeof MEASURES;

/** A converted reading with its raw value: `value` in `unit` (V, A or W). */
export interface Measurement {
  readonly raw: number;
  readonly value: number;
  readonly unit: 'V' | 'A' | 'W';
}

/** Pi port number on a board (PROTOCOL.md section 2). */
export type PiIndex = 0 | 1;

/** StackClient options: the BusClient ones plus the firmware check. */
export interface GuardedClientOptions extends StackClientOptions {
  /**
   * Before the first command newer than v3 to a board, ask its firmware version (GET_SW_VERSION,
   * once per ID) and refuse, with CommandNotInFirmwareError and nothing sent, a command that
   * firmware does not have (each one would cost an entry in its error log). Default false: tests
   * and the fuzzer send such commands on purpose.
   */
  checkFirmware?: boolean;
}

/** The host client for a stack of Pi Stack boards; every method takes the board ID first. */
export class StackClient extends BusClient {
  private readonly checkFirmware: boolean;
  /** Firmware version per board ID, as GET_SW_VERSION last answered. */
  private readonly versions = new Map<number, number>();

  constructor(transport: ByteTransport, options: GuardedClientOptions) {
    super(transport, options);
    this.checkFirmware = options.checkFirmware ?? false;
  }

  /**
   * Send a command (BusClient.request). With `checkFirmware`, a command newer than v3 first
   * learns the board's firmware version and rejects with CommandNotInFirmwareError, sending
   * nothing, when that firmware does not have it.
   */
  override request<N extends CommandName>(name: N, id: number, ...args: ArgsParam<N>): Promise<ResponsePayload<N>> {
    // Without the check, BusClient's promise as is (it rejects, never throws): no extra async hop per request.
    return this.checkFirmware ? this.checkedRequest(name, id, args) : super.request(name, id, ...args);
  }

  private async checkedRequest<N extends CommandName>(name: N, id: number, args: ArgsParam<N>): Promise<ResponsePayload<N>> {
    if (!(await this.has(id, name))) throw new CommandNotInFirmwareError(name, id, this.versions.get(id)!);
    return super.request(name, id, ...args);
  }

  /** True when board `id`'s firmware has `command`; asks GET_SW_VERSION once per ID for commands newer than v3. */
  async has(id: number, command: CommandName): Promise<boolean> {
    if (COMMANDS[command].since === 'v3') return true;
    const version = this.versions.get(id) ?? (await this.getSwVersion(id));
    return versionHas(version, command);
  }

  /**
   * Probe one ID with GET_HW_VERSION (`retries` re-sends, default none, so an absent ID costs one
   * timeout; with the adaptive allowance, a silence before any reply was measured says so): found (with its hardware version, or the error it answered), corrupt (a garbled
   * answer, never absent) or absent. Only a disconnect rejects.
   */
  async probe(id: number, retries = 0, patientMs = 0): Promise<ProbeOutcome> {
    const unsure = this.replyTimer !== undefined && !this.replyTimer.measured;
    this.patienceMs = patientMs;
    const allowanceMs = this.replyAllowanceMs;
    try {
      return { kind: 'found', hardwareVersion: (await this.exchange('GET_HW_VERSION', id, [], retries)).version };
    } catch (error) {
      if (error instanceof BoardError) return { kind: 'found', hardwareVersion: undefined, problem: error.message };
      if (error instanceof NoReplyError && error.partial.length === 0) return unsure ? { kind: 'absent', unmeasuredAllowanceMs: allowanceMs } : { kind: 'absent' };
      if (error instanceof NoReplyError || error instanceof CrcError || error instanceof MalformedReplyError) {
        return { kind: 'corrupt', detail: error.message };
      }
      throw error;
    } finally {
      this.patienceMs = 0;
    }
  }

  /**
   * Read an analog command as `{ raw, value, unit }`, e.g. measure('GET_PI_C', 3, { pi: 0 }).
   * Pi voltages use the `hardwareVersion` option.
   */
  async measure<N extends MeasureCommand>(name: N, id: number, ...args: ArgsParam<N>): Promise<Measurement> {
    const { raw } = (await this.request(name, id, ...args)) as { raw: number };
    const spec: { adc?: Reading; power?: PowerReading } = MEASURES[name];
    if (spec.adc !== undefined) {
      const value = rawToUnits(spec.adc, raw, this.hardwareVersion);
      return { raw, value, unit: spec.adc === 'cin' || spec.adc === 'piC' ? 'A' : 'V' };
    }
    return { raw, value: rawPowerToWatts(spec.power!, raw, this.hardwareVersion), unit: 'W' };
  }

  /**
   * Probe IDs `from`..`to` (default 0..15) with GET_HW_VERSION, without retries so absent IDs
   * cost one timeout each, then ask GET_SW_VERSION (with the normal retries: a board is known
   * to be there) of every board that answered, error replies included. A garbled reply is
   * reported as corrupt, never absent; only a disconnect aborts the scan. IDs found silent before
   * the link's reply time was measured are probed again if it proved slower than they were allowed,
   * and so are IDs whose reply came late (after the next probe was sent), and corrupt answers with
   * the silent ID before each (a late reply colliding with the next probe), and silent IDs
   * between or next to boards of one stack (a reply lost in a collision leaves no trace), each with at least
   * DEFAULT_REPLY_TIMEOUT_MS.
   */
  scan(options: ScanOptions = {}): Promise<ScanResult> {
    const firmware = async (id: number): Promise<FirmwareOutcome> => {
      try {
        return { version: await this.getSwVersion(id) };
      } catch (error) {
        if (error instanceof BoardError || error instanceof NoReplyError || error instanceof CrcError || error instanceof MalformedReplyError) {
          return { problem: error.message };
        }
        throw error;
      }
    };
    const allowanceMs = () => (this.replyTimer?.measured ? this.replyTimer.allowanceMs : undefined);
    const probeCode = COMMANDS.GET_HW_VERSION.code;
    const late = () => this.lateReplies.splice(0).filter((f) => f[0] === probeCode).map((f) => f[1]!);
    // A re-check waits at least the fixed default allowance: the pass already showed the link's timing slipping.
    const recheck = (id: number) => this.probe(id, 0, this.replyTimer === undefined ? 0 : DEFAULT_REPLY_TIMEOUT_MS);
    return scanBus({ probe: (id) => this.probe(id), firmware, allowanceMs, late, recheck }, options);
  }

  /** Firmware version (4 for firmware v4); remembered for the firmware check. */
  async getSwVersion(id: number): Promise<number> {
    const { version } = await this.request('GET_SW_VERSION', id);
    this.versions.set(id, version);
    return version;
  }
  /** Hardware version (2 or 3). */
  async getHwVersion(id: number): Promise<number> {
    return (await this.request('GET_HW_VERSION', id)).version;
  }
  /** Enable the board's LEDs. */
  async ledsOn(id: number): Promise<void> {
    await this.request('LEDS_ON', id);
  }
  /** Disable the board's LEDs. */
  async ledsOff(id: number): Promise<void> {
    await this.request('LEDS_OFF', id);
  }
  /** Set the RGB debug LED, each channel 0..255. */
  async debugLed(id: number, red: number, green: number, blue: number): Promise<void> {
    await this.request('DEBUG_LED', id, { red, green, blue });
  }
  /** Set the ID prefix (the high nibble of the board ID, e.g. 0x10); stored persistently. */
  async setIdPrefix(id: number, prefix: number): Promise<void> {
    await this.request('SET_ID_PREFIX', id, { prefix });
  }
  /** ID prefix (high nibble). */
  async getIdPrefix(id: number): Promise<number> {
    return (await this.request('GET_ID_PREFIX', id)).prefix;
  }
  /** The board's own ID as it reports it. */
  async getId(id: number): Promise<number> {
    return (await this.request('GET_ID', id)).id;
  }
  /** Input voltage, V. */
  async getVin(id: number): Promise<number> {
    return (await this.measure('GET_VIN', id)).value;
  }
  /** Input current, A. */
  async getCin(id: number): Promise<number> {
    return (await this.measure('GET_CIN', id)).value;
  }
  /** 5 V rail voltage, V. */
  async get5v(id: number): Promise<number> {
    return (await this.measure('GET_5V', id)).value;
  }
  /** Voltage at a Pi port, V (scale depends on `hardwareVersion`). */
  async getPiV(id: number, pi: PiIndex): Promise<number> {
    return (await this.measure('GET_PI_V', id, { pi })).value;
  }
  /** Current drawn by a Pi, A. */
  async getPiC(id: number, pi: PiIndex): Promise<number> {
    return (await this.measure('GET_PI_C', id, { pi })).value;
  }
  /** True while the Pi's heartbeats arrive in time. */
  async getPiHbt(id: number, pi: PiIndex): Promise<boolean> {
    return (await this.request('GET_PI_HBT', id, { pi })).healthy !== 0;
  }
  /** True while the Pi's load switch is on. */
  async getPiPowered(id: number, pi: PiIndex): Promise<boolean> {
    return (await this.request('GET_PI_POWERED', id, { pi })).powered !== 0;
  }
  /** Switch a Pi on. */
  async piOn(id: number, pi: PiIndex): Promise<void> {
    await this.request('PI_ON', id, { pi });
  }
  /** Graceful off: pulse the shutdown signal, remove power after the off delay. */
  async piOff(id: number, pi: PiIndex): Promise<void> {
    await this.request('PI_OFF', id, { pi });
  }
  /** Remove a Pi's power now (risks its SD card). */
  async piForceOff(id: number, pi: PiIndex): Promise<void> {
    await this.request('PI_FORCE_OFF', id, { pi });
  }
  /** Heartbeat timeout, s. */
  async getHbtTime(id: number, pi: PiIndex): Promise<number> {
    return (await this.request('GET_HBT_TIME', id, { pi })).value;
  }
  /** Set the heartbeat timeout, s (0..255). */
  async setHbtTime(id: number, pi: PiIndex, seconds: number): Promise<void> {
    await this.request('SET_HBT_TIME', id, { pi, value: seconds });
  }
  /** Heartbeat grace period after power-on, s. */
  async getHbtDelay(id: number, pi: PiIndex): Promise<number> {
    return (await this.request('GET_HBT_DELAY', id, { pi })).value;
  }
  /** Set the heartbeat grace period after power-on, s (0..255). */
  async setHbtDelay(id: number, pi: PiIndex, seconds: number): Promise<void> {
    await this.request('SET_HBT_DELAY', id, { pi, value: seconds });
  }
  /** Delay from a graceful PI_OFF to power removal, s. */
  async getOffDelay(id: number, pi: PiIndex): Promise<number> {
    return (await this.request('GET_OFF_DELAY', id, { pi })).value;
  }
  /** Set the delay from a graceful PI_OFF to power removal, s (0..255). */
  async setOffDelay(id: number, pi: PiIndex, seconds: number): Promise<void> {
    await this.request('SET_OFF_DELAY', id, { pi, value: seconds });
  }
  /** Delay from a Pi-initiated shutdown to power removal, s. */
  async getSigOffDelay(id: number, pi: PiIndex): Promise<number> {
    return (await this.request('GET_SIG_OFF_DELAY', id, { pi })).value;
  }
  /** Set the delay from a Pi-initiated shutdown to power removal, s (0..255). */
  async setSigOffDelay(id: number, pi: PiIndex, seconds: number): Promise<void> {
    await this.request('SET_SIG_OFF_DELAY', id, { pi, value: seconds });
  }
  /** The whole error log in storage order, one code per byte (PROTOCOL.md section 6). */
  async getErrorBuffer(id: number): Promise<Uint8Array> {
    return (await this.request('GET_ERROR_BUFFER', id)).log;
  }
  /** Zero the error log and its pointer. */
  async clearErrorBuffer(id: number): Promise<void> {
    await this.request('CLEAR_ERROR_BUFFER', id);
  }
  /** Number of errors logged. */
  async getErrorCount(id: number): Promise<number> {
    return (await this.request('GET_ERROR_COUNT', id)).count;
  }
  /** Zero the error count and the boot count. */
  async clearErrorCount(id: number): Promise<void> {
    await this.request('CLEAR_ERROR_COUNT', id);
  }
  /** Index of the next error-log slot. */
  async getErrorPointer(id: number): Promise<number> {
    return (await this.request('GET_ERROR_POINTER', id)).pointer;
  }
  /** Test: pulse a Pi's shutdown signal only (power stays on). */
  async sendSig(id: number, pi: PiIndex): Promise<void> {
    await this.request('SEND_SIG', id, { pi });
  }
  /** True when the board powers this Pi on at boot (firmware v4). */
  async getPiOnStartup(id: number, pi: PiIndex): Promise<boolean> {
    return (await this.request('GET_PI_ON_STARTUP', id, { pi })).enabled !== 0;
  }
  /** Choose whether the board powers this Pi on at boot (firmware v4). */
  async setPiOnStartup(id: number, pi: PiIndex, enabled: boolean): Promise<void> {
    await this.request('SET_PI_ON_STARTUP', id, { pi, enabled: enabled ? 1 : 0 });
  }
  /** Shutdown pulse width, units of 100 ms (firmware v4). */
  async getSigWidth(id: number, pi: PiIndex): Promise<number> {
    return (await this.request('GET_SIG_WIDTH', id, { pi })).value;
  }
  /** Set the shutdown pulse width, units of 100 ms (0..255, firmware v4). */
  async setSigWidth(id: number, pi: PiIndex, width: number): Promise<void> {
    await this.request('SET_SIG_WIDTH', id, { pi, value: width });
  }
  /** Input power, W. */
  async getPower(id: number): Promise<number> {
    return (await this.measure('GET_POWER', id)).value;
  }
  /** 5 V power of both Pis together, W. */
  async get5vPower(id: number): Promise<number> {
    return (await this.measure('GET_5V_POWER', id)).value;
  }
  /** Power of one Pi, W (conversion ASSUMED, PROTOCOL.md section 7). */
  async getPiPower(id: number, pi: PiIndex): Promise<number> {
    return (await this.measure('GET_PI_POWER', id, { pi })).value;
  }
  /** Boots since the last CLEAR_ERROR_COUNT. */
  async getBootCount(id: number): Promise<number> {
    return (await this.request('GET_BOOT_COUNT', id)).count;
  }
}
