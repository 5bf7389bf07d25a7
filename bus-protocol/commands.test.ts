/** The command table against PROTOCOL.md section 5, written out literally here. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CODE_TABLE, COMMANDS, COMMAND_NAMES, RELEASE_ORDER, STATUS, commandByCode, fieldSize, inRelease, parseCommandName, requestLen, responseLen, takesPi,
  type CommandName,
} from './commands.ts';

/** [code, name, req LEN, resp LEN] copied from the table in PROTOCOL.md section 5 (GET_ERROR_BUFFER: minimum 3, really 3 + N). */
const SPEC: ReadonlyArray<readonly [number, string, number, number]> = [
  [0x02, 'GET_SW_VERSION', 3, 4],
  [0x03, 'GET_HW_VERSION', 3, 4],
  [0x04, 'LEDS_ON', 3, 3],
  [0x05, 'LEDS_OFF', 3, 3],
  [0x06, 'DEBUG_LED', 6, 3],
  [0x07, 'SET_ID_PREFIX', 4, 3],
  [0x08, 'GET_ID_PREFIX', 3, 4],
  [0x09, 'GET_ID', 3, 4],
  [0x0a, 'GET_VIN', 3, 5],
  [0x0b, 'GET_CIN', 3, 5],
  [0x0c, 'GET_5V', 3, 5],
  [0x0d, 'GET_PI_V', 4, 5],
  [0x0e, 'GET_PI_C', 4, 5],
  [0x0f, 'GET_PI_HBT', 4, 4],
  [0x10, 'GET_PI_POWERED', 4, 4],
  [0x11, 'PI_ON', 4, 3],
  [0x12, 'PI_OFF', 4, 3],
  [0x13, 'PI_FORCE_OFF', 4, 3],
  [0x14, 'GET_HBT_TIME', 4, 4],
  [0x15, 'SET_HBT_TIME', 5, 3],
  [0x16, 'GET_HBT_DELAY', 4, 4],
  [0x17, 'SET_HBT_DELAY', 5, 3],
  [0x18, 'GET_OFF_DELAY', 4, 4],
  [0x19, 'SET_OFF_DELAY', 5, 3],
  [0x1a, 'GET_SIG_OFF_DELAY', 4, 4],
  [0x1b, 'SET_SIG_OFF_DELAY', 5, 3],
  [0x1c, 'GET_ERROR_BUFFER', 3, 3],
  [0x1d, 'CLEAR_ERROR_BUFFER', 3, 3],
  [0x1e, 'GET_ERROR_COUNT', 3, 5],
  [0x1f, 'CLEAR_ERROR_COUNT', 3, 3],
  [0x20, 'GET_ERROR_POINTER', 3, 4],
  [0x21, 'SEND_SIG', 4, 3],
  [0x22, 'GET_PI_ON_STARTUP', 4, 4],
  [0x23, 'SET_PI_ON_STARTUP', 5, 3],
  [0x24, 'GET_SIG_WIDTH', 4, 4],
  [0x25, 'SET_SIG_WIDTH', 5, 3],
  [0x26, 'GET_POWER', 3, 7],
  [0x27, 'GET_5V_POWER', 3, 7],
  [0x28, 'GET_PI_POWER', 4, 7],
  [0x29, 'GET_BOOT_COUNT', 3, 5],
];

test('the spec list above is itself complete: 0x02..0x29 in order', () => {
  assert.equal(SPEC.map(([code]) => code), Array.from({ length: 0x28 }, (_, i) => 0x02 + i));
});

test('table covers every code 0x02..0x29 exactly once and nothing else', () => {
  const codes = COMMAND_NAMES.map((n) => COMMANDS[n].code).sort((a, b) => a - b);
  assert.equal(codes, SPEC.map(([code]) => code));
  for (let code = 0; code <= 0xff; code++) {
    const inSpec = code >= 0x02 && code <= 0x29;
    assert.is(commandByCode(code) !== undefined, inSpec, `code 0x${code.toString(16)}`);
  }
});

for (const [code, name, reqLen, respLen] of SPEC) {
  test(`${name} (0x${code.toString(16).padStart(2, '0')}): code, req LEN ${reqLen}, resp LEN ${respLen}`, () => {
    assert.is(commandByCode(code), name);
    const n = name as CommandName;
    assert.is(COMMANDS[n].code, code);
    assert.is(requestLen(n), reqLen);
    assert.is(responseLen(n), respLen);
  });
}

test('commands with a pi argument carry it first (PROTOCOL.md section 2)', () => {
  for (const n of COMMAND_NAMES) {
    const idx = COMMANDS[n].request.findIndex((f) => f.name === 'pi');
    if (takesPi(n)) assert.is(idx, 0, n);
    else assert.is(idx, -1, n);
  }
  assert.ok(takesPi('PI_ON'));
  assert.not.ok(takesPi('DEBUG_LED'));
});

test('GET_ERROR_BUFFER payload is variable (bytes), every other field has a fixed size', () => {
  for (const n of COMMAND_NAMES) {
    for (const f of [...COMMANDS[n].request, ...COMMANDS[n].response]) {
      if (n === 'GET_ERROR_BUFFER') assert.is(fieldSize(f.type), undefined);
      else assert.type(fieldSize(f.type), 'number', `${n}.${f.name}`);
    }
  }
});

test('release tagging: 0x22..0x25 since v4, 0x26..0x29 since v4.1, the rest v3', () => {
  for (const n of COMMAND_NAMES) {
    const code = COMMANDS[n].code;
    const want = code >= 0x26 ? 'v4.1' : code >= 0x22 ? 'v4' : 'v3';
    assert.is(COMMANDS[n].since, want, n);
  }
  assert.equal(RELEASE_ORDER, ['v3', 'v4', 'v4.1']);
});

test('inRelease: a command exists in its release and later ones only', () => {
  assert.ok(inRelease('GET_SW_VERSION', 'v3'));
  assert.not.ok(inRelease('GET_SIG_WIDTH', 'v3'));
  assert.ok(inRelease('GET_SIG_WIDTH', 'v4'));
  assert.not.ok(inRelease('GET_BOOT_COUNT', 'v4'));
  assert.ok(inRelease('GET_BOOT_COUNT', 'v4.1'));
  assert.is(COMMAND_NAMES.filter((n) => inRelease(n, 'v3')).length, 0x21 - 0x02 + 1);
});

test('status codes 0x00 and 0x01 are never request commands', () => {
  assert.equal(STATUS, { OK: 0x00, ERROR: 0x01 });
  assert.is(commandByCode(0x00), undefined);
  assert.is(commandByCode(0x01), undefined);
  const statuses = CODE_TABLE.filter((e) => e.kind === 'status').map((e) => e.code);
  assert.equal(statuses, [0x00, 0x01]);
  assert.is(CODE_TABLE.length, 0x2a);
});

test('parseCommandName: case-insensitive, dashes or underscores, trimmed', () => {
  assert.is(parseCommandName('PI_ON'), 'PI_ON');
  assert.is(parseCommandName('pi-on'), 'PI_ON');
  assert.is(parseCommandName('Get_Vin'), 'GET_VIN');
  assert.is(parseCommandName('get-sig-off-delay'), 'GET_SIG_OFF_DELAY');
  assert.is(parseCommandName('  GET_5V '), 'GET_5V');
  assert.is(parseCommandName('get-5v'), 'GET_5V');
});

test('parseCommandName: unknown names, partial names and statuses give undefined', () => {
  assert.is(parseCommandName('PI_ONN'), undefined);
  assert.is(parseCommandName('GET'), undefined);
  assert.is(parseCommandName(''), undefined);
  assert.is(parseCommandName('STATUS_OK'), undefined);
  assert.is(parseCommandName('0x11'), undefined);
});

test.run();
