/**
 * Property `torn-write`: a flash write cut short by a power loss loses at most the block being
 * written (FIRMWARE.md section 2): after the reboot that block is back to its defaults (and the
 * CRC failure logged), and the other block holds exactly what it held before.
 */
import * as fc from 'fast-check';
import { buildFrame } from '../../bus-protocol/frame.ts';
import { defaultConfig } from '../../board-model/boardMcuMachine.ts';
import type { PortConfig } from '../../board-model/firmware/flashBlocks.ts';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import { ErrorLogModel } from '../harness/ErrorLogModel.ts';
import { FuzzSim } from '../harness/FuzzSim.ts';
import { readBoard, type BoardReading } from '../harness/readBoard.ts';
import { defineTarget } from '../target.ts';

/** The board: DIP 3, prefix 0x20, so ID 0x23; after a config restore it is 0x03. */
const DIP = 3;
const PREFIX = 0x20;

type Setting = 'hbtTime' | 'hbtDelay' | 'offDelay' | 'sigOffDelay' | 'sigWidth';
const SET: Record<Setting, 'setHbtTime' | 'setHbtDelay' | 'setOffDelay' | 'setSigOffDelay' | 'setSigWidth'> = {
  hbtTime: 'setHbtTime', hbtDelay: 'setHbtDelay', offDelay: 'setOffDelay', sigOffDelay: 'setSigOffDelay', sigWidth: 'setSigWidth',
};
const setting = fc.record({ pi: fc.constantFrom(0 as const, 1 as const), name: fc.constantFrom<Setting>('hbtTime', 'hbtDelay', 'offDelay', 'sigOffDelay', 'sigWidth'), value: fc.integer({ min: 0, max: 255 }) });

/** Before the tear: some settings and some errors; then which block tears on which write. */
const scenario = fc.record({
  settings: fc.array(setting, { maxLength: 5 }),
  errors: fc.integer({ min: 0, max: 40 }),
  armed: fc.constantFrom('config' as const, 'errors' as const, 'any' as const),
  trigger: fc.oneof(setting.map((s) => ({ kind: 'set' as const, ...s })), fc.constantFrom({ kind: 'error' as const }, { kind: 'clear-count' as const }, { kind: 'clear-buffer' as const }, { kind: 'reset' as const })),
});

function errorModel(profile: FirmwareProfile, reading: BoardReading['errors']): ErrorLogModel {
  const m = new ErrorLogModel(profile);
  const n = profile.errorLog.size;
  m.log = [...reading.log];
  m.pointer = profile.errorLog.pointer === 'next-slot' ? reading.pointer : (reading.pointer + 1) % n;
  m.errorCount = reading.errorCount;
  m.bootCount = reading.bootCount;
  return m;
}

/** The `torn-write` target. */
export const tornWriteTarget = defineTarget(
  { name: 'torn-write', summary: 'a torn flash write loses at most the block being written: that block back to defaults, the other intact', ciRuns: 40, simOnly: true },
  (options) =>
    fc.asyncProperty(scenario, async (sc) => {
      const profile = options.profile;
      const fs = await FuzzSim.start({ profile, boards: [{ dip: DIP, prefix: PREFIX, pis: [null, null] }], inspect: options.inspect, log: options.log });
      try {
        const run = <T>(w: Promise<T>) => fs.do(w);
        const id = (PREFIX & 0xf0) | DIP;
        for (const s of sc.settings) await run(fs.client[SET[s.name]](id, s.pi, s.value));
        for (let i = 0; i < sc.errors; i++) await run(fs.client.requestRaw(buildFrame(0x7f, id)));
        const before = await readBoard(fs.client, run, id);
        const errors = errorModel(profile, before.errors);
        let config: { prefix: number; ports: [PortConfig, PortConfig] } = { prefix: before.prefix, ports: [{ ...before.ports[0] }, { ...before.ports[1] }] };
        fs.log.fault('torn-write', { board: 0, block: sc.armed }, fs.now);
        fs.sim.control.armTornWrite(0, sc.armed);
        // Which block the trigger writes, and what it changes in RAM if the write goes through.
        const t = sc.trigger;
        const writes = t.kind === 'set' ? 'config' : 'errors';
        const tears = sc.armed === 'any' || sc.armed === writes;
        if (t.kind === 'set') await run(fs.client.requestRaw(buildFrame([0x15, 0x17, 0x19, 0x1b, 0x25][['hbtTime', 'hbtDelay', 'offDelay', 'sigOffDelay', 'sigWidth'].indexOf(t.name)]!, id, [t.pi, t.value])));
        else if (t.kind === 'error') await run(fs.client.requestRaw(buildFrame(0x7f, id)));
        else if (t.kind === 'clear-count') await run(fs.client.requestRaw(buildFrame(0x1f, id)));
        else if (t.kind === 'clear-buffer') await run(fs.client.requestRaw(buildFrame(0x1d, id)));
        else {
          fs.log.fault('mcu-reset', { board: 0 }, fs.now);
          fs.sim.control.resetMcu(0);
        }
        await fs.sim.runFor(500);
        if (tears && writes === 'config') {
          config = defaultConfig(profile);
          errors.boot(true, false);
        } else if (tears) {
          errors.boot(false, true);
        } else {
          if (t.kind === 'set') config.ports[t.pi] = { ...config.ports[t.pi], [t.name]: t.value };
          else if (t.kind === 'error') errors.replied(profile.bus.errorCodes.unknownCommand);
          else if (t.kind === 'clear-count') errors.clearCounts();
          else if (t.kind === 'clear-buffer') errors.clearLog();
          else errors.boot(false, false);
        }
        const torn = fs.sim.events.filter('torn-write').map((e) => String(e.block));
        const wantTorn = tears ? [writes] : [];
        if (JSON.stringify(torn) !== JSON.stringify(wantTorn)) throw new Error(`torn writes ${JSON.stringify(torn)}, expected ${JSON.stringify(wantTorn)} (armed ${sc.armed}, trigger ${t.kind})`);
        const newId = (config.prefix & 0xf0) | DIP;
        const after = await readBoard(fs.client, run, newId);
        const want: BoardReading = { prefix: config.prefix, ports: config.ports, errors: errors.reading() };
        if (JSON.stringify(after) !== JSON.stringify(want)) {
          throw new Error(`after a torn ${wantTorn[0] ?? 'nothing'} write (armed ${sc.armed}, trigger ${t.kind}): board reads ${JSON.stringify(after)}, expected ${JSON.stringify(want)}`);
        }
      } finally {
        fs.stop();
      }
    }),
);
