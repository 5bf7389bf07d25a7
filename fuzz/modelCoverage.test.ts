/**
 * Pins the model coverage of a fixed-seed model-based run (seed 7, 10 runs, profile variants):
 * the states and transitions of the board's machines it visits, as recorded before the
 * simulator and fuzzer speed-ups of issue 14 (items 6, 7). A speed-up that makes runs cheaper by
 * doing less (shorter runs, fewer commands, skipped transitions) changes this list.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { V4_REFERENCE } from '../board-model/profiles.ts';
import { ModelCoverage } from './coverage/ModelCoverage.ts';
import { modelTarget } from './model/modelTarget.ts';

const SEED = 7;

const STATES = [
  'boardMcu',
  'boardMcu.booting',
  'boardMcu.running',
  'boardMcu.unpowered',
  'pi',
  'pi.booting',
  'pi.booting.hung',
  'pi.booting.loading',
  'pi.crashed',
  'pi.halted',
  'pi.running',
  'pi.running.daemon',
  'pi.running.noDaemon',
  'pi.shuttingDown',
  'pi.shuttingDown.waiting',
  'pi.unpowered',
  'powerPort',
  'powerPort.power',
  'powerPort.power.off',
  'powerPort.power.on',
  'powerPort.power.on.alive',
  'powerPort.power.on.booting',
  'powerPort.power.stopping',
  'powerPort.power.stopping.byBoard',
  'powerPort.signal',
  'powerPort.signal.pulsing',
  'powerPort.signal.released',
  'regulator',
  'regulator.off',
  'regulator.regulating',
];

const TRANSITIONS = [
  'boardMcu.booting --RESET[0]--> boardMcu.booting',
  'boardMcu.booting --after bootTime[0]--> boardMcu.running',
  'boardMcu.running --FLASH_TORN[0]--> (stays)',
  'boardMcu.running --FRAME[0]--> (stays)',
  'boardMcu.running --POWER_DOWN[0]--> boardMcu.unpowered',
  'boardMcu.running --POWER_LOST[0]--> (stays)',
  'boardMcu.running --RESET[0]--> boardMcu.booting',
  'boardMcu.unpowered --POWER_UP[0]--> boardMcu.booting',
  'pi --CLEAR_FAULTS[0]--> (stays)',
  'pi --HANG_BOOT[0]--> (stays)',
  'pi --SET_DAEMON[0]--> (stays)',
  'pi --SET_LOAD[0]--> (stays)',
  'pi --SLOW_SHUTDOWN[0]--> (stays)',
  'pi.booting --RAIL[0]--> pi.unpowered',
  'pi.booting --RAIL[1]--> (stays)',
  'pi.booting.loading --after bootTime[0]--> pi.running',
  'pi.booting.loading --always[0]--> pi.booting.hung',
  'pi.halted --RAIL[0]--> pi.unpowered',
  'pi.halted --RAIL[1]--> (stays)',
  'pi.running --CRASH[0]--> pi.crashed',
  'pi.running --RAIL[0]--> pi.unpowered',
  'pi.running --RAIL[1]--> (stays)',
  'pi.running.daemon --SIGNAL_FELL[0]--> pi.shuttingDown',
  'pi.running.noDaemon --always[0]--> pi.running.daemon',
  'pi.shuttingDown --after shutdownTime[0]--> pi.halted',
  'pi.unpowered --RAIL[0]--> pi.booting',
  'pi.unpowered --RAIL[1]--> (stays)',
  'powerPort --SETTINGS[0]--> (stays)',
  'powerPort --SETTINGS[1]--> (stays)',
  'powerPort --SETTINGS[2]--> (stays)',
  'powerPort.power --MCU_RESET[0]--> powerPort.power.off',
  'powerPort.power --PI_FORCE_OFF[0]--> powerPort.power.off',
  'powerPort.power.off --PI_ON[0]--> powerPort.power.on',
  'powerPort.power.on --PI_OFF[0]--> powerPort.power.stopping.byBoard',
  'powerPort.power.on.booting --HEARTBEAT[0]--> powerPort.power.on.alive',
  'powerPort.power.stopping.byBoard --after gracefulOffDelay[0]--> powerPort.power.off',
  'powerPort.signal --MCU_RESET[0]--> powerPort.signal.released',
  'powerPort.signal --PI_FORCE_OFF[0]--> powerPort.signal.released',
  'powerPort.signal.pulsing --after sigWidth[0]--> powerPort.signal.released',
  'powerPort.signal.released --SEND_SIG[0]--> powerPort.signal.pulsing',
  'powerPort.signal.released --SIGNAL_PULSE[0]--> powerPort.signal.pulsing',
  'regulator --INPUT[0]--> (stays)',
  'regulator --LOAD[0]--> (stays)',
  'regulator.off --always[0]--> regulator.regulating',
  'regulator.regulating --always[0]--> regulator.off',
];

test(`a fixed-seed model-based run (seed ${SEED}, 10 runs) visits the same states and transitions as before the speed-ups`, async () => {
  const coverage = new ModelCoverage();
  const details = await modelTarget.check({ profile: V4_REFERENCE, variants: true, inspect: coverage.hook }, { seed: SEED, numRuns: 10 });
  assert.is(details.failed, false, `seed ${SEED}: the model-based run failed`);
  assert.equal([...coverage.states].sort(), STATES, `seed ${SEED}: states visited`);
  assert.equal([...coverage.transitions].sort(), TRANSITIONS, `seed ${SEED}: transitions taken`);
});

test.run();
