/**
 * The URL fragment round-trips every state, and anything else is rejected with a reason (never a
 * throw, never half-applied): old versions, unknown keys, bad numbers, inputs out of order.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeUrlState, encodeUrlState, type UrlState } from './urlState.ts';

const state: UrlState = {
  lesson: 'watchdog-cycle.json', t: 72_000, seed: 7, board: 3, pi: 1, speed: 10,
  inputs: [
    { kind: 'fault', at: 60_000 + 1 / 1024, fault: 'crash', board: 3, pi: 1 },
    { kind: 'host', at: 61_000 + 1 / 1024, command: 'SET_HBT_TIME', id: 3, args: { pi: 1, value: 20 } },
    { kind: 'host', at: 62_000.5, command: 'GET_VIN', id: 3, args: {} },
    { kind: 'fault', at: 63_000.25, fault: 'supply-volts', board: 0, pi: 0, value: 10.5 },
    { kind: 'fault', at: 64_000.25, fault: 'duplicate-dip', board: 1, pi: 0, value: 3 },
    { kind: 'fault', at: 65_000.25, fault: 'set-dip', board: 2, pi: 0, value: 9 },
  ],
};

test('a state round-trips through its fragment', () => {
  const fragment = encodeUrlState(state);
  assert.match(fragment, /^v=1&lesson=watchdog-cycle\.json&t=72000&seed=7&board=3&pi=1&speed=10&in=f:/);
  const parsed = decodeUrlState(`#${fragment}`);
  assert.equal(parsed, { kind: 'state', state });
});

test('the time is exact: a grid time, and the moment of a pause after a reply on the wire, read back as the same number', () => {
  const at = (t: number) => /&t=([^&]+)&/.exec(encodeUrlState({ ...state, t }))![1];
  assert.is(at(45_000 + 11 / 1024), '45000.0107421875');
  for (const t of [45_000 + 11 / 1024, 1234.56789012345, 57_205 + 15_000 + 5 / 24, 0.1 + 0.2]) {
    const parsed = decodeUrlState(`v=1&t=${at(t)}`);
    assert.is(parsed.kind === 'state' && parsed.state.t, t, `${t} as ${at(t)}`);
  }
  assert.is(at(1e-7), '0', 'a time the exact text would write with an exponent: to the µs');
});

test('a guided lesson and its exercise round-trip; a scenario lesson\'s link carries neither key', () => {
  const guided: UrlState = { ...state, lesson: undefined, guided: '02-heartbeat-watchdog.json', exercise: false, t: 72_205 + 5 / 24 };
  const fragment = encodeUrlState(guided);
  assert.match(fragment, /^v=1&guided=02-heartbeat-watchdog\.json&t=72205\.2083\d+&seed=7&/);
  assert.equal(decodeUrlState(fragment), { kind: 'state', state: guided });
  const exercise: UrlState = { ...guided, exercise: true };
  assert.match(encodeUrlState(exercise), /^v=1&guided=02-heartbeat-watchdog\.json&exercise=1&t=/);
  assert.equal(decodeUrlState(encodeUrlState(exercise)), { kind: 'state', state: exercise });
  assert.not.match(encodeUrlState(state), /guided|exercise/);
});

test('a guided lesson\'s link carries the prediction made (any text, encoded); its exercise\'s and a scenario lesson\'s do not', () => {
  const predicted: UrlState = { ...state, lesson: undefined, guided: '02-heartbeat-watchdog.json', exercise: false, prediction: 'It power-cycles the Pi & then 50% later?' };
  const fragment = encodeUrlState(predicted);
  assert.match(fragment, /^v=1&guided=02-heartbeat-watchdog\.json&predict=It%20power-cycles%20the%20Pi%20%26%20then%2050%25%20later%3F&t=/);
  assert.equal(decodeUrlState(fragment), { kind: 'state', state: predicted });
  assert.not.match(encodeUrlState({ ...predicted, exercise: true }), /predict=/);
  assert.not.match(encodeUrlState({ ...predicted, guided: undefined, lesson: 'a.json' }), /predict=/);
});

test('a teacher\'s hand-written link: board 3 at 72 s, defaults for the rest', () => {
  assert.equal(decodeUrlState('#v=1&t=72000&board=3'), { kind: 'state', state: { lesson: undefined, t: 72_000, seed: undefined, board: 3, pi: 0, speed: 1, inputs: [] } });
  assert.equal(decodeUrlState(''), { kind: 'none' });
  assert.equal(decodeUrlState('#'), { kind: 'none' });
});

const BAD: ReadonlyArray<readonly [string, RegExp]> = [
  ['#v=0&t=1', /version 0 is not 1/],
  ['#t=1', /no version/],
  ['#v=1&x=1', /unknown key "x"/],
  ['#v=1&v=1', /given twice/],
  ['#v=1&t=-5', /not a number of ms/],
  ['#v=1&t=abc', /not a number of ms/],
  ['#v=1&speed=7', /speed 7 is not one of/],
  ['#v=1&board=300', /board 300 is above 255/],
  ['#v=1&pi=2', /Pi 2 is above 1/],
  ['#v=1&lesson=../x', /not a file name/],
  ['#v=1&guided=../x', /guided lesson "\.\.\/x" is not a file name/],
  ['#v=1&guided=02-a.json&lesson=a.json', /a lesson or a guided lesson, not both/],
  ['#v=1&guided=02-a.json&exercise=yes', /exercise "yes" is not 1/],
  ['#v=1&exercise=1', /exercise=1 needs a guided lesson/],
  ['#v=1&predict=yes', /predict= needs a guided lesson/],
  ['#v=1&guided=02-a.json&exercise=1&predict=yes', /predict= needs a guided lesson \(not its exercise\)/],
  ['#v=1&guided=02-a.json&predict=%20', /prediction must be 1\.\.300 characters/],
  [`#v=1&guided=02-a.json&predict=${'x'.repeat(301)}`, /prediction must be 1\.\.300 characters/],
  ['#v=1&lesson=%E0%A4%A', /not URL-encoded/],
  ['#v=1&in=z:1:crash:0:0', /neither a host command/],
  ['#v=1&in=f:1:nope:0:0', /unknown fault "nope"/],
  ['#v=1&in=f:1:crash:0', /takes a board and a Pi/],
  ['#v=1&in=f:1:supply-volts:0:0:99', /not a voltage/],
  ['#v=1&in=f:1:duplicate-dip:0:0:16', /DIP 16 is above 15/],
  ['#v=1&in=f:1:slow-shutdown:0:0', /does not inject slow-shutdown/],
  ['#v=1&in=h:1:NOPE:0', /unknown command "NOPE"/],
  ['#v=1&in=h:1:PI_ON:0', /takes an ID and 1 value/],
  ['#v=1&in=h:1:SET_HBT_TIME:0:0:300', /value 300 is above 255/],
  ['#v=1&in=h:1:GET_VIN:0,f:1:crash:0:0', /increasing time order/],
  ['#v=1&in=h:0:GET_VIN:0', /increasing time order/],
  ['#v=1&in=h:A!:GET_VIN:0', /not base-36/],
];

for (const [fragment, reason] of BAD) {
  test(`rejected with a reason: ${fragment}`, () => {
    const parsed = decodeUrlState(fragment);
    assert.is(parsed.kind, 'invalid');
    if (parsed.kind === 'invalid') assert.match(parsed.reason, reason);
  });
}

test.run();
