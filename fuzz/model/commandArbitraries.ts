/**
 * The model-based test's command mix (fc.commands): bus commands for any port, and on the
 * simulator the fault commands of its control surface. Weights favour what changes state and
 * time; reads are frequent enough to catch a divergence soon after it happens.
 */
import * as fc from 'fast-check';
import { COMMAND_NAMES, type CommandName } from '../../bus-protocol/commands.ts';
import { damage } from '../arbitraries/damagedFrames.ts';
import { PI_COMMANDS, unknownCode } from '../arbitraries/requests.ts';
import { SETTINGS, type SettingName } from './BoardModel.ts';
import type { ModelCommand } from './ModelCommand.ts';
import { AdvanceTimeCommand } from './commands/AdvanceTimeCommand.ts';
import { BadCrcCommand } from './commands/BadCrcCommand.ts';
import { BadPiCommand } from './commands/BadPiCommand.ts';
import { ClearErrorsCommand } from './commands/ClearErrorsCommand.ts';
import { ClearFaultsCommand } from './commands/ClearFaultsCommand.ts';
import { CorruptFlashCommand } from './commands/CorruptFlashCommand.ts';
import { CrashPiCommand } from './commands/CrashPiCommand.ts';
import { DamagedFrameCommand } from './commands/DamagedFrameCommand.ts';
import { ForceOffCommand } from './commands/ForceOffCommand.ts';
import { GetCountsCommand } from './commands/GetCountsCommand.ts';
import { GetErrorLogCommand } from './commands/GetErrorLogCommand.ts';
import { GetHeartbeatCommand } from './commands/GetHeartbeatCommand.ts';
import { GetPoweredCommand } from './commands/GetPoweredCommand.ts';
import { GetSettingCommand } from './commands/GetSettingCommand.ts';
import { HangBootCommand } from './commands/HangBootCommand.ts';
import { IdentityCommand } from './commands/IdentityCommand.ts';
import { LedsCommand } from './commands/LedsCommand.ts';
import { McuResetCommand } from './commands/McuResetCommand.ts';
import { NoDaemonCommand } from './commands/NoDaemonCommand.ts';
import { OtherIdCommand } from './commands/OtherIdCommand.ts';
import { PiLoadCommand } from './commands/PiLoadCommand.ts';
import { PiOffCommand } from './commands/PiOffCommand.ts';
import { PiOnCommand } from './commands/PiOnCommand.ts';
import { PiShutdownCommand } from './commands/PiShutdownCommand.ts';
import { ReadingCommand } from './commands/ReadingCommand.ts';
import { SendSigCommand } from './commands/SendSigCommand.ts';
import { SetPrefixCommand } from './commands/SetPrefixCommand.ts';
import { SetSettingCommand } from './commands/SetSettingCommand.ts';
import { SlowShutdownCommand } from './commands/SlowShutdownCommand.ts';
import { SupplyDipCommand } from './commands/SupplyDipCommand.ts';
import { TornWriteCommand } from './commands/TornWriteCommand.ts';
import { UnknownCommandCommand } from './commands/UnknownCommandCommand.ts';
import { WrongLengthCommand } from './commands/WrongLengthCommand.ts';

const pi = fc.constantFrom(0 as const, 1 as const);
const setting = fc.constantFrom(...(Object.keys(SETTINGS) as SettingName[]));
/** Setting values: small ones (seconds that matter within a run) and the whole u8 range. */
const settingValue = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 40 }), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: 255 }), weight: 1 });
/** Commands a damaged or misdirected frame may carry: everything but SET_ID_PREFIX (it would move the board). */
const plainCommand = fc.constantFrom(...COMMAND_NAMES.filter((n): n is Exclude<CommandName, 'SET_ID_PREFIX'> => n !== 'SET_ID_PREFIX'));

/** How long AdvanceTime waits: on hardware it really waits, so at most a second there. */
function duration(sim: boolean): fc.Arbitrary<number> {
  if (!sim) return fc.integer({ min: 1, max: 1000 });
  return fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: 500 }), weight: 2 },
    { arbitrary: fc.integer({ min: 500, max: 10_000 }), weight: 3 },
    { arbitrary: fc.integer({ min: 10_000, max: 60_000 }), weight: 3 },
  );
}

/** The weighted command arbitrary for a run; `sim` adds the fault commands. */
export function modelCommands(sim: boolean): fc.Arbitrary<ModelCommand> {
  const w = (weight: number, arbitrary: fc.Arbitrary<ModelCommand>) => ({ weight, arbitrary });
  const bus = [
    w(16, duration(sim).map((ms) => new AdvanceTimeCommand(ms))),
    w(8, pi.map((p) => new PiOnCommand(p))),
    w(3, pi.map((p) => new PiOffCommand(p))),
    w(2, pi.map((p) => new ForceOffCommand(p))),
    w(1, pi.map((p) => new SendSigCommand(p))),
    w(6, fc.tuple(pi, setting, settingValue).map(([p, s, v]) => new SetSettingCommand(p, s, v))),
    w(3, fc.tuple(pi, setting).map(([p, s]) => new GetSettingCommand(p, s))),
    w(8, pi.map((p) => new GetPoweredCommand(p))),
    w(8, pi.map((p) => new GetHeartbeatCommand(p))),
    w(2, fc.constant(new GetErrorLogCommand())),
    w(3, fc.constant(new GetCountsCommand())),
    w(2, fc.constantFrom('buffer' as const, 'count' as const).map((k) => new ClearErrorsCommand(k))),
    w(2, fc.tuple(plainCommand, fc.integer({ min: 1, max: 255 })).map(([c, x]) => new BadCrcCommand(c, x))),
    w(1, unknownCode.map((c) => new UnknownCommandCommand(c))),
    w(1, fc.tuple(fc.constantFrom(...PI_COMMANDS), fc.integer({ min: 2, max: 255 })).map(([c, p]) => new BadPiCommand(c, p))),
    w(1, fc.tuple(plainCommand, fc.integer({ min: 0, max: 4 })).map(([c, n]) => new WrongLengthCommand(c, n))),
    w(2, fc.tuple(plainCommand, damage).map(([c, d]) => new DamagedFrameCommand(c, d))),
    w(1, fc.tuple(plainCommand, fc.nat()).map(([c, k]) => new OtherIdCommand(c, k))),
    w(1, fc.tuple(fc.constantFrom('GET_VIN' as const, 'GET_CIN' as const, 'GET_5V' as const, 'GET_PI_V' as const, 'GET_PI_C' as const, 'GET_POWER' as const, 'GET_5V_POWER' as const, 'GET_PI_POWER' as const), pi).map(([c, p]) => new ReadingCommand(c, p))),
    w(1, fc.constantFrom('GET_SW_VERSION' as const, 'GET_HW_VERSION' as const, 'GET_ID' as const, 'GET_ID_PREFIX' as const).map((c) => new IdentityCommand(c))),
    w(1, fc.tuple(fc.constantFrom('LEDS_ON' as const, 'LEDS_OFF' as const, 'DEBUG_LED' as const), fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255))).map(([c, rgb]) => new LedsCommand(c, rgb))),
  ];
  if (!sim) return fc.oneof(...bus);
  const faults = [
    w(1, fc.integer({ min: 0, max: 255 }).map((p) => new SetPrefixCommand(p))),
    w(2, pi.map((p) => new CrashPiCommand(p))),
    w(1, pi.map((p) => new HangBootCommand(p))),
    w(1, pi.map((p) => new NoDaemonCommand(p))),
    w(2, pi.map((p) => new ClearFaultsCommand(p))),
    w(1, pi.map((p) => new PiShutdownCommand(p))),
    w(1, fc.tuple(pi, fc.integer({ min: 1000, max: 60_000 })).map(([p, ms]) => new SlowShutdownCommand(p, ms))),
    w(1, fc.tuple(pi, fc.constantFrom(0, 0.5, 1)).map(([p, f]) => new PiLoadCommand(p, f))),
    w(1, fc.constantFrom(1 as const, 2 as const).map((n) => new McuResetCommand(n))),
    w(1, fc.tuple(fc.constantFrom(0, 3, 5, 5.9, 7), fc.integer({ min: 1, max: 3000 })).map(([v, ms]) => new SupplyDipCommand(v, ms))),
    w(1, fc.constantFrom('config' as const, 'errors' as const).map((b) => new CorruptFlashCommand(b))),
    w(1, fc.constantFrom('config' as const, 'errors' as const, 'any' as const).map((b) => new TornWriteCommand(b))),
  ];
  return fc.oneof(...bus, ...faults);
}
