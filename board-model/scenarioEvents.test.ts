import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EVENTS, EVENT_TYPES } from './scenarioEvents.ts';

test('the event types', () => {
  assert.equal([...EVENT_TYPES].sort(), [
    'brownout', 'collision', 'config-restored', 'errors-restored', 'heartbeat-lost', 'heartbeat-ok', 'host-error', 'host-reply',
    'host-timeout', 'mcu-boot', 'pi-booted', 'pi-crashed', 'pi-halted', 'power-cycle', 'power-off', 'power-on', 'shutdown-signal',
    'undervoltage', 'unsafe-power-loss', 'watchdog-expired',
  ]);
});

test('per-Pi events are exactly those about one port or the Pi in it', () => {
  const perPi = EVENT_TYPES.filter((t) => EVENTS[t].scope === 'pi');
  assert.ok(perPi.includes('unsafe-power-loss') && perPi.includes('watchdog-expired') && perPi.includes('heartbeat-lost'));
  for (const t of ['brownout', 'mcu-boot', 'host-timeout', 'collision', 'config-restored'] as const) assert.is(EVENTS[t].scope, 'board', t);
  for (const t of EVENT_TYPES) assert.ok(EVENTS[t].summary.length > 15, t);
});

test.run();
