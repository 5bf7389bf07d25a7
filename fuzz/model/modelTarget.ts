/**
 * Target `model`: the model-based test (fast-check `fc.commands` + `fc.asyncModelRun`). Each run
 * starts a board (a fresh simulated one, or the real one behind `openPort` after reading its
 * state), then applies a random command sequence, checking every reply against BoardModel.
 * On the simulator each run also draws the board's DIP and prefix, the seed and, with
 * `variants`, the profile's ASSUMED behaviour knobs (watchdog action, which delay PI_OFF waits,
 * whether PI_ON cancels a shutdown), so one run explores several firmwares.
 */
import * as fc from 'fast-check';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import { parseStack, type Stack } from '../../board-model/stack.ts';
import type { PortConfig } from '../../board-model/firmware/flashBlocks.ts';
import type { HostPort } from '../../hil/ports.ts';
import { ErrorLogModel } from '../harness/ErrorLogModel.ts';
import { readBoard } from '../harness/readBoard.ts';
import { openSimPort } from '../harness/simPort.ts';
import { defineTarget, type TargetOptions } from '../target.ts';
import { BoardModel, type ConfigModel } from './BoardModel.ts';
import { modelCommands } from './commandArbitraries.ts';
import { FuzzReal } from './FuzzReal.ts';
import type { FuzzModel, ModelCommand } from './ModelCommand.ts';
import type { PiTimes } from './PortModel.ts';

/** The ASSUMED behaviour knobs a run may vary (FIRMWARE.md section 4). */
export interface ProfileVariant {
  watchdogAction: FirmwareProfile['watchdogAction'];
  gracefulOffDelay: FirmwareProfile['gracefulOffDelay'];
  piOnCancelsShutdown: boolean;
}

/** What a simulated run is set up with. */
export interface SimSetup {
  dip: number;
  prefix: number;
  seed: number;
  variant: ProfileVariant | undefined;
}

const variant: fc.Arbitrary<ProfileVariant> = fc.record({
  watchdogAction: fc.constantFrom('power-cycle' as const, 'report-only' as const),
  gracefulOffDelay: fc.constantFrom('off-delay' as const, 'sig-off-delay' as const),
  piOnCancelsShutdown: fc.boolean(),
});

function simSetup(variants: boolean): fc.Arbitrary<SimSetup> {
  return fc.record({
    dip: fc.integer({ min: 0, max: 15 }),
    prefix: fc.integer({ min: 0, max: 14 }).map((n) => n << 4), // 0xF0 with DIP 15 would be 0xFF, the master address
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
    variant: variants ? variant : fc.constant(undefined),
  });
}

/** Variant profiles made so far, by base profile and variant: the same object for the same variant (stack schemas are cached by profile). */
const VARIANTS = new WeakMap<FirmwareProfile, Map<string, FirmwareProfile>>();

/** The profile a run tests: the base with the run's variant applied (one object per variant). */
export function variantProfile(base: FirmwareProfile, v: ProfileVariant | undefined): FirmwareProfile {
  if (v === undefined) return base;
  const key = `${v.watchdogAction} ${v.gracefulOffDelay} ${v.piOnCancelsShutdown}`;
  let variants = VARIANTS.get(base);
  if (variants === undefined) VARIANTS.set(base, (variants = new Map()));
  let profile = variants.get(key);
  if (profile === undefined) {
    profile = { ...base, ...v, name: `${base.name} (${v.watchdogAction}, ${v.gracefulOffDelay}, PI_ON ${v.piOnCancelsShutdown ? 'cancels' : 'keeps'} shutdown)` };
    variants.set(key, profile);
  }
  return profile;
}

function piTimes(profile: FirmwareProfile): PiTimes {
  const m = profile.piModels['pi3b+'] ?? Object.values(profile.piModels)[0]!;
  return { bootTimeMs: m.bootTimeMs, heartbeatPeriodMs: m.heartbeatPeriodMs, shutdownTimeMs: m.shutdownTimeMs, selfShutdownPulseMs: m.selfShutdownPulseMs };
}

/** The one-board stack of each profile, parsed once (DIP 0, prefix 0); runs derive theirs from it. */
const BASE_STACKS = new WeakMap<FirmwareProfile, Stack>();
/** Stacks made so far, by profile, DIP and prefix (the simulator only reads a stack). */
const STACKS = new WeakMap<FirmwareProfile, Map<number, Stack>>();

/**
 * The one-board stack of a run: the profile's parsed stack with the run's DIP and prefix (both
 * in range: the arbitrary draws them so), made once per profile, DIP and prefix.
 */
export function fuzzStack(profile: FirmwareProfile, dip: number, prefix: number): Stack {
  let byBoard = STACKS.get(profile);
  if (byBoard === undefined) STACKS.set(profile, (byBoard = new Map()));
  const key = (prefix << 4) | dip;
  let stack = byBoard.get(key);
  if (stack === undefined) {
    let base = BASE_STACKS.get(profile);
    if (base === undefined) BASE_STACKS.set(profile, (base = parseStack({ name: 'fuzz', boards: [{ dip: 0, prefix: 0, pis: ['pi3b+', 'pi3b+'] }] }, 'fuzz model stack', { defaultProfile: profile })));
    stack = { ...base, boards: [{ ...base.boards[0]!, dip, prefix }] };
    byBoard.set(key, stack);
  }
  return stack;
}

/** A model and a real board for one run, and how to end it. */
interface Env {
  model: FuzzModel;
  real: FuzzReal;
  close(): Promise<void>;
}

async function simEnv(setup: SimSetup, options: TargetOptions): Promise<Env> {
  const profile = variantProfile(options.profile, setup.variant);
  const boards = [{ dip: setup.dip, prefix: setup.prefix, pis: ['pi3b+', 'pi3b+'] }];
  const stack = fuzzStack(profile, setup.dip, setup.prefix);
  const port = await openSimPort({ stack, profile, seed: setup.seed, inspect: options.inspect });
  const real = new FuzzReal(port, profile.errorLog.size, options.log);
  options.log?.simulated({ boards, seed: setup.seed, profile });
  const times = piTimes(profile);
  const board = new BoardModel({ profile, dip: setup.dip, start: { kind: 'fresh', prefix: setup.prefix }, piTimes: [times, times], slackMs: 1e-6 });
  board.timeline.now = port.clock.now();
  const id = board.id;
  const silentIds = [id ^ 0x10, id ^ 0x80, (id + 1) & 0xff, 0xfe].filter((x) => x !== id && x !== 0xff);
  // The run's stack is dropped whole when the run ends (nothing outside the run refers to it):
  // stopping its actors one by one (port.close) would only cost time.
  return { model: { board, sim: true, silentIds, gapMs: profile.bus.interByteGapByteTimes * real.byteMs }, real, close: async () => undefined };
}

/** A real board: both Pis forced off, its config and error block read, restored at the end. */
async function hardwareEnv(port: HostPort, id: number, options: TargetOptions): Promise<Env> {
  const profile = options.profile;
  const real = new FuzzReal(port, profile.errorLog.size, options.log);
  const run = <T>(w: Promise<T>) => port.run(w);
  for (const pi of [0, 1] as const) await run(real.client.piForceOff(id, pi));
  const reading = await readBoard(real.client, run, id);
  const errors = new ErrorLogModel(profile);
  errors.log = [...reading.errors.log];
  errors.pointer = profile.errorLog.pointer === 'next-slot' ? reading.errors.pointer : (reading.errors.pointer + 1) % profile.errorLog.size;
  errors.errorCount = reading.errors.errorCount;
  errors.bootCount = reading.errors.bootCount;
  const config: ConfigModel = { prefix: reading.prefix, ports: reading.ports };
  const board = new BoardModel({ profile, dip: id & 0x0f, start: { kind: 'read', config, errors }, piTimes: [undefined, undefined], slackMs: 80 });
  board.timeline.now = port.clock.now();
  const silentIds = [(id ^ 0x80) === 0xff ? id ^ 0x40 : id ^ 0x80];
  const restore = async (): Promise<void> => {
    const names: Array<[keyof PortConfig, 'setHbtTime' | 'setHbtDelay' | 'setOffDelay' | 'setSigOffDelay' | 'setSigWidth']> = [
      ['hbtTime', 'setHbtTime'], ['hbtDelay', 'setHbtDelay'], ['offDelay', 'setOffDelay'], ['sigOffDelay', 'setSigOffDelay'], ['sigWidth', 'setSigWidth'],
    ];
    const at = board.id;
    for (const pi of [0, 1] as const) {
      await run(real.client.piForceOff(at, pi)).catch(() => undefined);
      for (const [field, set] of names) await run(real.client[set](at, pi, reading.ports[pi][field] as number)).catch(() => undefined);
      await run(real.client.setPiOnStartup(at, pi, reading.ports[pi].piOnStartup)).catch(() => undefined);
    }
  };
  return { model: { board, sim: false, silentIds, gapMs: profile.bus.interByteGapByteTimes * real.byteMs }, real, close: restore };
}

/** The `model` target; `options.openPort` (with `boardId`) runs it against that port instead of a simulator. */
export const modelTarget = defineTarget(
  { name: 'model', summary: 'model-based: random command sequences (time and faults included) against a plain host-side model of the board', ciRuns: 300, simOnly: false },
  (options) => {
    const hardware = options.openPort;
    const setup: fc.Arbitrary<SimSetup | undefined> = hardware ? fc.constant(undefined) : simSetup(options.variants ?? false);
    return fc.asyncProperty(setup, fc.commands([modelCommands(!hardware)], { size: 'medium', maxCommands: 60, ...(options.replayPath === undefined ? {} : { replayPath: options.replayPath }) }), async (s, cmds) => {
      let port: HostPort | undefined;
      let env: Env;
      if (s !== undefined) env = await simEnv(s, options);
      else {
        port = await hardware!();
        env = await hardwareEnv(port, options.boardId ?? 0, options);
      }
      try {
        const log = options.log;
        const steps: Iterable<ModelCommand> = log
          ? [...cmds].map((c) => ({ check: (m: Readonly<FuzzModel>) => c.check(m), run: (m: FuzzModel, r: FuzzReal) => (log.step(c.toString()), c.run(m, r)), toString: () => c.toString() }))
          : cmds;
        await fc.asyncModelRun(() => ({ model: env.model, real: env.real }), steps);
      } finally {
        await env.close();
        await port?.close();
      }
    });
  },
);
