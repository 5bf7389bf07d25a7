/** `pistack sim` explains host timeouts: the cause in the timeline and JSON, and a load-time warning for boot-window steps. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './testing/runCli.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-sim-explain-'));
const scenario = join(dir, 'early.json');
writeFileSync(scenario, JSON.stringify({ name: 'early', stack: 'single', duration: '1s', steps: [{ at: '0s', host: 'GET_SW_VERSION', id: 0 }, { at: '100ms', host: 'GET_VIN', id: 5 }] }));

test('sim: a step at 0 s is warned about before the run and its host-timeout says why in the timeline (guards against a bare host-timeout)', async () => {
  const r = await cli('sim', '--scenario', scenario);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /warning: .*early\.json: steps\[0\]: GET_SW_VERSION to 0x00 at 0s arrives while the board's MCU boots after power-up/);
  assert.match(r.out, /board 0\s+host-timeout\s+command=GET_SW_VERSION cause=booting: the board's MCU was still booting when the request arrived/);
  assert.match(r.out, /board 5\s+host-timeout\s+command=GET_VIN cause=no-board: no board has ID 0x05/);
});

test('sim --json: host-timeout events carry cause and why', async () => {
  const r = await cli('sim', '--scenario', scenario, '--json');
  assert.is(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as { events: Array<{ type: string; id?: number; cause?: string; why?: string }>; warnings: string[] };
  assert.equal(doc.events.filter((e) => e.type === 'host-timeout').map((e) => [e.id, e.cause]), [[0, 'booting'], [5, 'no-board']]);
  assert.is(doc.warnings.length, 1);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
