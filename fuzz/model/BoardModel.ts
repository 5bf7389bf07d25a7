/**
 * The plain host-side model of one board (FIRMWARE.md sections 2, 3 and 7): what its MCU holds
 * (config, error block), what its flash holds, whether it is powered and listening, and its two
 * ports. Given a burst of bytes and the moment it reached the board, it says what the board
 * must answer and updates itself; the model-based test compares that with the real answer.
 */
import { COMMANDS, type CommandName } from '../../bus-protocol/commands.ts';
import type { PortConfig } from '../../board-model/firmware/flashBlocks.ts';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import { ErrorLogModel } from '../harness/ErrorLogModel.ts';
import { expectedReaction, type Reaction } from '../oracle.ts';
import { PortModel, type PiTimes, type PortTimes } from './PortModel.ts';
import { Timeline, type Owner } from './Timeline.ts';

/** The config block: ID prefix and both ports' settings (raw u8 values). */
export interface ConfigModel {
  prefix: number;
  ports: [PortConfig, PortConfig];
}

/** What the board must answer: nothing, an error, OK with a payload (undefined data: any of the right size), or unknowable. */
export type Expected =
  | { readonly kind: 'silent' }
  | { readonly kind: 'error'; readonly code: number }
  | { readonly kind: 'ok'; readonly command: CommandName; readonly data: Uint8Array | undefined; readonly size: number }
  | { readonly kind: 'unknown'; readonly why: string };

/** How a board model starts. */
export interface BoardModelOptions {
  profile: FirmwareProfile;
  dip: number;
  /** Config and error block at the start; `fresh` = a board that has just booted for the first time with this prefix. */
  start: { kind: 'fresh'; prefix: number } | { kind: 'read'; config: ConfigModel; errors: ErrorLogModel };
  /** The simulated Pis' timing, or undefined for unknown (real) Pis. */
  piTimes: [PiTimes | undefined, PiTimes | undefined];
  /** Timing uncertainty of the host's view of when the board acted (ms): ~0 on the simulator. */
  slackMs: number;
}

/** Setting names as in the command table, to config fields. */
export const SETTINGS = { HBT_TIME: 'hbtTime', HBT_DELAY: 'hbtDelay', OFF_DELAY: 'offDelay', SIG_OFF_DELAY: 'sigOffDelay', SIG_WIDTH: 'sigWidth', PI_ON_STARTUP: 'piOnStartup' } as const;

/** One of the per-Pi settings. */
export type SettingName = keyof typeof SETTINGS;

function cloneConfig(c: ConfigModel): ConfigModel {
  return { prefix: c.prefix, ports: [{ ...c.ports[0] }, { ...c.ports[1] }] };
}

/** The model of one board. */
export class BoardModel {
  readonly timeline: Timeline;
  readonly ports: [PortModel, PortModel];
  readonly profile: FirmwareProfile;
  readonly dip: number;
  readonly slackMs: number;
  mcu: 'unpowered' | 'booting' | 'running' = 'running';
  ram: { config: ConfigModel; errors: ErrorLogModel } | undefined;
  flash: { config: ConfigModel | 'corrupt'; errors: ErrorLogModel | 'corrupt' };
  armed: 'config' | 'errors' | 'any' | undefined;
  /** True once a board-level race happened: nothing is predicted any more. */
  lost = false;
  lostWhy = '';
  private supply = 12;
  private outage = false;
  private bootDone: ReturnType<Timeline['at']> | undefined;
  private readonly sizes = new Map<CommandName, number>();

  constructor(options: BoardModelOptions) {
    const { profile } = options;
    this.profile = profile;
    this.dip = options.dip;
    this.slackMs = options.slackMs;
    this.supply = 12;
    this.timeline = new Timeline(Math.max(1e-6, options.slackMs), (a, b, what) => this.tie(a, b, what));
    const rules = { gracefulOffDelay: profile.gracefulOffDelay, piOnCancelsShutdown: profile.piOnCancelsShutdown, watchdogAction: profile.watchdogAction, cycleOffTimeMs: profile.cycleOffTimeMs };
    const d = profile.defaults;
    const defaults: PortConfig = { hbtTime: d.hbtTime, hbtDelay: d.hbtDelay, offDelay: d.offDelay, sigOffDelay: d.sigOffDelay, sigWidth: d.sigWidth, piOnStartup: d.piOnStartup };
    let config: ConfigModel;
    let errors: ErrorLogModel;
    if (options.start.kind === 'fresh') {
      config = { prefix: options.start.prefix, ports: [{ ...defaults }, { ...defaults }] };
      errors = new ErrorLogModel(profile);
      errors.boot(false, false);
    } else {
      config = cloneConfig(options.start.config);
      errors = options.start.errors.clone();
    }
    this.ram = { config, errors };
    this.flash = { config: cloneConfig(config), errors: errors.clone() };
    this.ports = [0, 1].map((pi) => new PortModel(pi as 0 | 1, this.timeline, this.times(config.ports[pi]!), rules, options.piTimes[pi])) as [PortModel, PortModel];
  }

  /** The board's ID now (PROTOCOL.md section 4): from RAM, else from the stored config. */
  get id(): number {
    const config = this.ram?.config ?? (this.flash.config === 'corrupt' ? undefined : this.flash.config);
    return ((config?.prefix ?? this.profile.defaults.prefix) & 0xf0) | (this.dip & 0x0f);
  }

  /** Port timeouts in ms from stored settings and the profile's units (F2). */
  times(c: PortConfig): PortTimes {
    const u = this.profile.settingUnitMs;
    return {
      hbtTimeMs: c.hbtTime === 0 && this.profile.hbtTimeZeroDisablesWatchdog ? 0 : Math.max(1, c.hbtTime) * u.hbtTime,
      hbtDelayMs: c.hbtDelay * u.hbtDelay,
      offDelayMs: c.offDelay * u.offDelay,
      sigOffDelayMs: c.sigOffDelay * u.sigOffDelay,
      sigWidthMs: c.sigWidth * u.sigWidth,
    };
  }

  private tie(a: Owner, b: Owner, what: string): void {
    for (const o of [a, b]) {
      if (o === 'board') this.loseTrack(`race: ${what}`);
      else this.ports[o].giveUp(`race: ${what}`);
    }
  }

  private loseTrack(why: string): void {
    if (this.lost) return;
    this.lost = true;
    this.lostWhy = why;
  }

  /** Bring the model to time `t` (ms on the run's clock). */
  advanceTo(t: number): void {
    this.timeline.runUntil(t);
  }

  // ---- power and boot ----------------------------------------------------------------------

  /** The shared supply is now `volts` (V). */
  setSupply(t: number, volts: number): void {
    this.advanceTo(t);
    this.supply = volts;
    this.applySupply();
  }

  private applySupply(): void {
    const v = this.outage ? 0 : this.supply;
    const reg = this.profile.regulator;
    for (const p of this.ports) p.setRegulator(v >= reg.uvloV);
    const powered = v >= reg.mcuBrownoutV;
    if (!powered && this.mcu !== 'unpowered') this.powerDown();
    else if (powered && this.mcu === 'unpowered') this.boot();
  }

  private powerDown(): void {
    this.mcu = 'unpowered';
    this.ram = undefined;
    this.timeline.cancel(this.bootDone);
    for (const p of this.ports) p.mcuReset();
  }

  /** External reset of the MCU (ignored while unpowered). */
  reset(t: number): void {
    this.advanceTo(t);
    if (this.mcu !== 'unpowered') this.boot();
  }

  /** Boot (F3): load and check both blocks, count the boot, ports off, write back, then listen. */
  private boot(): void {
    this.mcu = 'booting';
    this.timeline.cancel(this.bootDone);
    const configRestored = this.flash.config === 'corrupt';
    const errorsRestored = this.flash.errors === 'corrupt';
    const d = this.profile.defaults;
    const port: PortConfig = { hbtTime: d.hbtTime, hbtDelay: d.hbtDelay, offDelay: d.offDelay, sigOffDelay: d.sigOffDelay, sigWidth: d.sigWidth, piOnStartup: d.piOnStartup };
    const config = this.flash.config === 'corrupt' ? { prefix: d.prefix, ports: [{ ...port }, { ...port }] as [PortConfig, PortConfig] } : cloneConfig(this.flash.config);
    const errors = this.flash.errors === 'corrupt' ? new ErrorLogModel(this.profile) : this.flash.errors.clone();
    errors.boot(configRestored, errorsRestored);
    this.ram = { config, errors };
    for (const pi of [0, 1] as const) {
      this.ports[pi].mcuReset();
      this.ports[pi].settings(this.times(config.ports[pi]));
    }
    let torn = configRestored && this.write('config');
    if (!torn) torn = this.write('errors');
    this.bootDone = this.timeline.at(this.timeline.now + this.profile.mcu.bootMs, 'board', 'MCU boot', () => {
      this.mcu = 'running';
      for (const pi of [0, 1] as const) if (this.ram?.config.ports[pi].piOnStartup) this.ports[pi].piOn();
    });
    if (torn) this.tornOutage();
  }

  /** Write a RAM block to flash; true when the write was torn (an armed torn-write fault). */
  private write(block: 'config' | 'errors'): boolean {
    if (!this.ram) return false;
    if (this.armed === block || this.armed === 'any') {
      this.armed = undefined;
      this.flash[block] = 'corrupt';
      return true;
    }
    if (block === 'config') this.flash.config = cloneConfig(this.ram.config);
    else this.flash.errors = this.ram.errors.clone();
    return false;
  }

  private tornOutage(): void {
    this.outage = true;
    this.applySupply();
    this.timeline.at(this.timeline.now + this.profile.mcu.tornWriteOutageMs, 'board', 'end of the torn-write outage', () => {
      this.outage = false;
      this.applySupply();
    });
  }

  /** Fault: flip a bit of a stored block (its CRC fails at the next boot). */
  corrupt(block: 'config' | 'errors'): void {
    this.flash[block] = 'corrupt';
  }

  /** Fault: the next write of `block` (or of any block) is torn by a power loss. */
  armTornWrite(block: 'config' | 'errors' | 'any'): void {
    this.armed = block;
  }

  // ---- the bus -----------------------------------------------------------------------------

  /**
   * A burst of bytes reached the board at `t` (its last byte, or the gap after it for a frame
   * cut short: the caller passes the time the board decides). Returns the expected answer.
   * `first`: the oracle's reaction to the burst at the board's ID now, if the caller has it.
   */
  receive(bytes: Uint8Array, t: number, decidedAtGap: (atGap: boolean) => number, first: Reaction = expectedReaction(bytes, this.id, this.profile)): Expected {
    // The burst's framing (and so when the board decides) does not depend on the ID; the ID may
    // change up to that moment (a boot restoring the config), so the reaction is taken after it.
    const idBefore = this.id;
    const at = first.kind === 'error' ? decidedAtGap(first.atGap) : t;
    this.advanceTo(at);
    const reaction = this.id === idBefore ? first : expectedReaction(bytes, this.id, this.profile);
    if (this.lost) return { kind: 'unknown', why: this.lostWhy };
    if (this.timeline.near('board', at, this.slackMs)) {
      this.loseTrack(`a frame at ${at.toFixed(3)} ms met a change of the MCU's state`);
      return { kind: 'unknown', why: this.lostWhy };
    }
    if (this.mcu !== 'running' || !this.ram) return { kind: 'silent' };
    if (reaction.kind === 'complex') {
      this.loseTrack('a burst holding more than one frame');
      return { kind: 'unknown', why: this.lostWhy };
    }
    if (reaction.kind === 'silent') return { kind: 'silent' };
    if (reaction.kind === 'error') {
      this.ram.errors.replied(reaction.code);
      if (this.profile.bus.logErrorReplies && this.write('errors')) {
        this.tornOutage();
        return { kind: 'silent' };
      }
      return { kind: 'error', code: reaction.code };
    }
    return this.execute(reaction.command, bytes, at);
  }

  private execute(name: CommandName, bytes: Uint8Array, t: number): Expected {
    const ram = this.ram!;
    const pi = ((bytes[3] ?? 0) & 1) as 0 | 1;
    const arg = (i: number): number => bytes[3 + i] ?? 0;
    const port = this.ports[pi];
    const cfg = ram.config.ports[pi];
    const size = this.payloadSize(name);
    const ok = (data?: number[]): Expected => ({ kind: 'ok', command: name, data: data === undefined ? undefined : Uint8Array.from(data), size });
    const u16 = (v: number): number[] => [v >> 8, v & 0xff];
    const touchesPort = (): void => {
      if (this.timeline.near(pi, t, this.slackMs)) port.giveUp(`${name} at ${t.toFixed(3)} ms met a port event`);
    };
    if (4 + size > this.profile.bus.txBufferBytes) return this.replyError(0x23);
    switch (name) {
      case 'GET_SW_VERSION': return ok([this.profile.firmwareVersion]);
      case 'GET_HW_VERSION': return ok([this.profile.hardwareVersion]);
      case 'LEDS_ON': case 'LEDS_OFF': case 'DEBUG_LED': return ok([]);
      case 'GET_ID_PREFIX': return ok([ram.config.prefix]);
      case 'GET_ID': return ok([this.id]);
      case 'GET_VIN': case 'GET_CIN': case 'GET_5V': case 'GET_PI_V': case 'GET_PI_C':
      case 'GET_POWER': case 'GET_5V_POWER': case 'GET_PI_POWER':
        return ok();
      case 'GET_PI_HBT': return port.knowsHealthy(t, this.slackMs) ? ok([port.healthy ? 1 : 0]) : ok();
      case 'GET_PI_POWERED': return port.knowsPowered(t, this.slackMs) ? ok([port.powered ? 1 : 0]) : ok();
      case 'PI_ON': touchesPort(); port.piOn(); return ok([]);
      case 'PI_OFF': touchesPort(); port.piOff(); return ok([]);
      case 'PI_FORCE_OFF': port.forceOff(); return ok([]);
      case 'SEND_SIG': touchesPort(); port.sendSig(); return ok([]);
      case 'GET_HBT_TIME': return ok([cfg.hbtTime]);
      case 'GET_HBT_DELAY': return ok([cfg.hbtDelay]);
      case 'GET_OFF_DELAY': return ok([cfg.offDelay]);
      case 'GET_SIG_OFF_DELAY': return ok([cfg.sigOffDelay]);
      case 'GET_SIG_WIDTH': return ok([cfg.sigWidth]);
      case 'GET_PI_ON_STARTUP': return ok([cfg.piOnStartup ? 1 : 0]);
      case 'SET_HBT_TIME': case 'SET_HBT_DELAY': case 'SET_OFF_DELAY': case 'SET_SIG_OFF_DELAY': case 'SET_SIG_WIDTH': case 'SET_PI_ON_STARTUP': {
        const field = SETTINGS[name.slice(4) as SettingName];
        ram.config.ports[pi] = { ...cfg, [field]: field === 'piOnStartup' ? arg(1) !== 0 : arg(1) };
        touchesPort();
        port.settings(this.times(ram.config.ports[pi]));
        return this.written('config', ok([]));
      }
      case 'SET_ID_PREFIX':
        ram.config.prefix = arg(0) & 0xf0;
        return this.written('config', ok([]));
      case 'GET_ERROR_BUFFER': return ok(ram.errors.log);
      case 'CLEAR_ERROR_BUFFER': ram.errors.clearLog(); return this.written('errors', ok([]));
      case 'GET_ERROR_COUNT': return ok(u16(ram.errors.errorCount));
      case 'CLEAR_ERROR_COUNT': ram.errors.clearCounts(); return this.written('errors', ok([]));
      case 'GET_ERROR_POINTER': return ok([ram.errors.pointerReading]);
      case 'GET_BOOT_COUNT': return ok(u16(ram.errors.bootCount));
    }
  }

  /** OK payload bytes of a command (the error log's size for the log itself), computed once per command. */
  private payloadSize(name: CommandName): number {
    let size = this.sizes.get(name);
    if (size === undefined) {
      size = COMMANDS[name].response.reduce((n, f) => n + (f.type === 'u8' ? 1 : f.type === 'u16' ? 2 : f.type === 'u32' ? 4 : this.profile.errorLog.size), 0);
      this.sizes.set(name, size);
    }
    return size;
  }

  /** The reply after a block write: none when the write was torn (the board loses power first). */
  private written(block: 'config' | 'errors', reply: Expected): Expected {
    if (!this.write(block)) return reply;
    this.tornOutage();
    return { kind: 'silent' };
  }

  private replyError(code: number): Expected {
    this.ram!.errors.replied(code);
    if (!this.profile.bus.logErrorReplies) return { kind: 'error', code };
    return this.written('errors', { kind: 'error', code });
  }

  /** For reports. */
  describe(): string {
    return `MCU ${this.mcu}, ID 0x${this.id.toString(16)}; port 0 ${this.ports[0].describe()}; port 1 ${this.ports[1].describe()}`;
  }
}
