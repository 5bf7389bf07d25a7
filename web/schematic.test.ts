/** The schematic's live values: flow speed from current, rail sag shared by both Pis, hover texts with the readings. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { flowSeconds, level, schematicView, type SchematicInput } from './schematic.ts';

const base: SchematicInput = {
  vin: 12, cin: 0.4, rail: 5.1, portV: [5.1, 0], portA: [0.4, 0], switchOn: [true, false], regulator: 'regulating', mcu: 'running',
  pis: ['running', 'unpowered'], heartbeat: [true, false], signal: [true, true],
};

test('current flows faster with more amps, not at all without', () => {
  assert.is(flowSeconds(0), undefined);
  assert.is(flowSeconds(NaN), undefined);
  assert.is(flowSeconds(0.4), 2);
  assert.is(flowSeconds(100), 0.2, 'bounded fast');
  assert.is(flowSeconds(0.01), 4, 'bounded slow');
  assert.equal([level(0, 4.75), level(4.5, 4.75), level(5.1, 4.75)], ['off', 'low', 'ok']);
});

test('one Pi shorted pulls the shared rail down: the rail, the regulator and the other Pi show it', () => {
  const ok = schematicView(base);
  assert.is(ok.wires.find((x) => x.id === 'w-rail')!.level, 'ok');
  assert.is(ok.wires.find((x) => x.id === 'w-port1')!.flowS, undefined, 'no current to the Pi that is off');
  assert.match(ok.wires.find((x) => x.id === 'w-in')!.title, /^12 V input: 12\.00 V, 0\.40 A, 4\.80 W$/);
  const shorted = schematicView({ ...base, rail: 4.3, portV: [4.3, 4.3], portA: [6, 0.5], switchOn: [true, true], regulator: 'brownout', signal: [true, false] });
  const rail = shorted.wires.find((x) => x.id === 'w-rail')!;
  assert.is(rail.level, 'low');
  assert.match(rail.title, /SAGGING: both Pis share this rail/);
  assert.is(rail.flowS, 0.2, '6.5 A flows fast');
  assert.is(shorted.parts.find((x) => x.id === 'p-pi1')!.level, 'low', 'the healthy Pi sags too');
  assert.match(shorted.parts.find((x) => x.id === 'p-reg')!.title, /brownout/);
  assert.match(shorted.wires.find((x) => x.id === 'w-sig1')!.title, /LOW/);
  assert.is(shorted.parts.find((x) => x.id === 'p-sw1')!.value, 'on');
  const collapsed = schematicView({ ...base, rail: 0, portV: [0, 0], portA: [0, 0], switchOn: [true, true], regulator: 'collapsed' });
  assert.match(collapsed.wires.find((x) => x.id === 'w-rail')!.title, /DOWN: both Pis share this rail/);
  assert.is(collapsed.parts.find((x) => x.id === 'p-pi1')!.level, 'off');
  assert.not.match(schematicView({ ...base, switchOn: [false, false], rail: 0 }).wires.find((x) => x.id === 'w-rail')!.title, /DOWN/, 'a rail off with both switches off is no alarm');
  assert.is(schematicView({ ...base, mcu: 'off' }).parts.find((x) => x.id === 'p-485')!.level, 'off');
});

test.run();
