import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FAULTS, FAULT_NAMES } from './faults.ts';

test('the fault list', () => {
  assert.equal(FAULT_NAMES, [
    'crash', 'hang-boot', 'no-daemon', 'slow-shutdown', 'short-circuit', 'pi-load', 'clear-fault', 'pi-shutdown', 'pi-remove',
    'pi-insert', 'supply-volts', 'corrupt-config', 'corrupt-errors', 'torn-write', 'mcu-reset', 'set-dip', 'duplicate-dip', 'bus-noise',
  ]);
});

test('every fault is documented, and only faults with a value can require one', () => {
  for (const name of FAULT_NAMES) {
    const f = FAULTS[name];
    assert.ok(f.summary.length > 20, name);
    if (f.value === 'none') assert.is(f.valueRequired, false, name);
  }
});

test('stack-wide faults are the supply and the bus, and they need a value', () => {
  const stackWide = FAULT_NAMES.filter((n) => FAULTS[n].target === 'stack');
  assert.equal(stackWide, ['supply-volts', 'bus-noise']);
  for (const n of stackWide) assert.ok(FAULTS[n].valueRequired, n);
  assert.is(FAULTS['duplicate-dip'].value, 'dip');
  assert.is(FAULTS['torn-write'].target, 'board');
});

test.run();
