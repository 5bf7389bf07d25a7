/**
 * What every board of one firmware profile shares, derived once per profile: the default port
 * settings in ms, the ports' ASSUMED behaviour, the factory-programmed flash blocks, each Pi
 * model's parameters. A full bus has 255 boards of one profile, and the fuzzer builds a board
 * per run. Profiles are not changed once parsed (the built-in ones are frozen), so the cache
 * is keyed by the profile object; every value is read-only (Flash.write copies its bytes).
 */
import { defaultConfig, defaultErrors } from './boardMcuMachine.ts';
import { encodeConfig, encodeErrors, type ConfigBlock, type PortConfig } from './firmware/flashBlocks.ts';
import type { PiModel } from './piModelSchema.ts';
import type { PortBehaviour, PortSettings } from './powerPortMachine.ts';
import type { FirmwareProfile } from './profileSchema.ts';
import type { PiParams } from './raspberryPiMachine.ts';

/** Pi model parameters from a profile's model entry. */
export function piParams(name: string, model: PiModel): PiParams {
  return { ...model, model: model.label ?? name };
}

/** Port timeouts in ms from the stored u8 settings and the profile's units. */
export function portSettings(config: PortConfig, profile: FirmwareProfile): PortSettings {
  const u = profile.settingUnitMs;
  const hbtTimeMs = config.hbtTime === 0 && profile.hbtTimeZeroDisablesWatchdog ? 0 : Math.max(1, config.hbtTime) * u.hbtTime;
  return {
    hbtTimeMs,
    hbtDelayMs: config.hbtDelay * u.hbtDelay,
    offDelayMs: config.offDelay * u.offDelay,
    sigOffDelayMs: config.sigOffDelay * u.sigOffDelay,
    sigWidthMs: config.sigWidth * u.sigWidth,
  };
}

/** The shared, read-only values of one profile's boards. */
export interface BoardProfile {
  /** Port settings of the default config block (raw u8 values). */
  readonly defaultPorts: ConfigBlock['ports'];
  /** Port 0's default settings in ms: what a port starts with before the MCU boots. */
  readonly initialSettings: PortSettings;
  /** The ports' ASSUMED behaviour knobs. */
  readonly behaviour: PortBehaviour;
  /** The factory error block: empty log, every slot unused. */
  readonly factoryErrors: Uint8Array;
  /** The factory config block: defaults with this ID prefix (0..255). */
  factoryConfig(prefix: number): Uint8Array;
  /** Parameters of a Pi model the profile names (undefined for an unknown name). */
  piParams(name: string): PiParams | undefined;
}

const SHARED = new WeakMap<FirmwareProfile, BoardProfile>();

/** The shared values of `profile`'s boards (made on first use). */
export function boardProfile(profile: FirmwareProfile): BoardProfile {
  let shared = SHARED.get(profile);
  if (shared === undefined) SHARED.set(profile, (shared = derive(profile)));
  return shared;
}

function derive(profile: FirmwareProfile): BoardProfile {
  const defaults = defaultConfig(profile);
  const configs = new Map<number, Uint8Array>();
  const pis = new Map<string, PiParams>();
  return {
    defaultPorts: defaults.ports,
    initialSettings: portSettings(defaults.ports[0], profile),
    behaviour: {
      gracefulOffDelay: profile.gracefulOffDelay,
      piOnCancelsShutdown: profile.piOnCancelsShutdown,
      watchdogAction: profile.watchdogAction,
      cycleOffTimeMs: profile.cycleOffTimeMs,
    },
    factoryErrors: encodeErrors(defaultErrors(profile)),
    factoryConfig(prefix) {
      let bytes = configs.get(prefix);
      if (bytes === undefined) configs.set(prefix, (bytes = encodeConfig({ ...defaults, prefix })));
      return bytes;
    },
    piParams(name) {
      let params = pis.get(name);
      const model = profile.piModels[name];
      if (params === undefined && model !== undefined) pis.set(name, (params = piParams(name, model)));
      return params;
    },
  };
}
