import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validate } from './ConfigError.ts';
import { piModelSchema } from './piModelSchema.ts';
import { V4_REFERENCE } from './profiles.ts';

const PI3 = V4_REFERENCE.piModels['pi3b+'];

function model(patch: Record<string, unknown>): string {
  try {
    validate(piModelSchema, { ...PI3, ...patch }, 'm.json');
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  }
}

test('the Pi 3B+ defaults of FIRMWARE.md section 6', () => {
  assert.equal({ ...PI3, label: undefined }, {
    label: undefined, bootTimeMs: 25_000, bootCurrentA: 0.45, idleCurrentA: 0.4, loadCurrentA: 0.95, haltedCurrentA: 0.1,
    shortCircuitCurrentA: 6, heartbeatHighMs: 200, heartbeatPeriodMs: 5200, shutdownTimeMs: 8000, slowShutdownTimeMs: 60_000,
    undervoltageFlagV: 4.63, resetBelowV: 4.2, selfShutdownPulseMs: 200, heartbeatStaysHighAfterSelfShutdown: false,
  });
  assert.ok((PI3?.shortCircuitCurrentA ?? 0) > V4_REFERENCE.regulator.currentLimitA, 'a short circuit exceeds the regulator limit');
});

test('the heartbeat pulse must be shorter than its period', () => {
  assert.is(model({ heartbeatHighMs: 5200 }), 'm.json: heartbeatHighMs: must be below heartbeatPeriodMs (5200), got 5200');
});

test('the reset threshold must not be above the undervoltage flag', () => {
  assert.is(model({ resetBelowV: 4.7 }), 'm.json: resetBelowV: must not be above undervoltageFlagV (4.63), got 4.7');
});

test('label is optional, unknown fields and negative currents are rejected', () => {
  assert.is(model({ label: undefined }), 'ok');
  assert.is(model({ bootTimeS: 25 }), 'm.json: bootTimeS: unknown field');
  assert.is(model({ idleCurrentA: -0.1 }), 'm.json: idleCurrentA: must be >= 0, got -0.1');
  assert.is(model({ heartbeatStaysHighAfterSelfShutdown: 'yes' }), 'm.json: heartbeatStaysHighAfterSelfShutdown: expected true or false, got "yes"');
});

test.run();
