import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from './ConfigError.ts';
import { parseProfile } from './profiles.ts';
import { BUILTIN_STACKS, DEFAULT_STACK, boardId, parseStack, stackFromText, stackWarnings } from './stack.ts';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

test('boardId keeps the prefix high nibble and the DIP low nibble', () => {
  assert.is(boardId(0x00, 5), 0x05);
  assert.is(boardId(0x30, 0x0f), 0x3f);
  assert.is(boardId(0x3c, 0x12), 0x32, 'stray bits of either side are masked');
});

test('the default stack: 16 boards, DIP 0..15, prefix 0, two Pi 3B+ with daemons, 12 V, no warnings', () => {
  assert.is(DEFAULT_STACK.name, 'default');
  assert.is(DEFAULT_STACK.format, 'pistack-stack');
  assert.is(DEFAULT_STACK.supplyVolts, 12);
  assert.equal(DEFAULT_STACK.boards.map((b) => boardId(b.prefix, b.dip)), [...Array(16).keys()]);
  for (const b of DEFAULT_STACK.boards) assert.equal(b.pis, [{ model: 'pi3b+', daemon: true }, { model: 'pi3b+', daemon: true }]);
  assert.equal(stackWarnings(DEFAULT_STACK), []);
  assert.is(BUILTIN_STACKS['single']?.boards.length, 1);
});

test('normalises ports, applies defaults and keeps options', () => {
  const s = parseStack(
    {
      boards: [
        { dip: 3, pis: ['pi4', null] },
        { dip: 4, prefix: 0x20, hardwareVersion: 2, profile: 'v3', pis: [{ model: 'pi-zero-2w', daemon: false }, { model: 'pi3b+', selfShutdownLeavesHeartbeatHigh: true }] },
      ],
      seed: 42,
    },
    'lab.json',
  );
  assert.is(s.name, 'lab.json', 'name defaults to the source');
  assert.is(s.supplyVolts, 12);
  assert.is(s.seed, 42);
  assert.equal(s.boards[0], { dip: 3, prefix: 0, pis: [{ model: 'pi4', daemon: true }, null] });
  assert.equal(s.boards[1]?.pis, [{ model: 'pi-zero-2w', daemon: false }, { model: 'pi3b+', daemon: true, selfShutdownLeavesHeartbeatHigh: true }]);
  assert.is(s.boards[1]?.profile, 'v3');
  assert.is(s.boards[1]?.hardwareVersion, 2);
});

test('errors name the board index and field', () => {
  assert.is(message(() => parseStack({ boards: [{ dip: 1, pis: [null, null] }, {}, {}, { dip: 17, pis: [null, null] }] }, 's.json')).split('\n').at(-1), 's.json: boards[3].dip: must be 0..15, got 17');
  const m = message(() =>
    parseStack({ supplyVolts: -1, boards: [{ dip: 0, prefix: 0x11, pis: ['pi3b+'] }, { dip: 1, pis: ['pi5', 'pi3b+', null] }, { dip: 2, profile: 'v9', pis: [null, null] }, { dip: 3, pis: [7, null], extra: 1 }] }, 's.json'),
  );
  const expected = [
    's.json: supplyVolts: must be >= 0, got -1',
    's.json: boards[0].prefix: must be a multiple of 16 in 0x00..0xF0 (the high nibble of the ID), got 17',
    's.json: boards[0].pis: must have exactly 2 items, got 1',
    's.json: boards[1].pis: must have exactly 2 items, got 3',
    's.json: boards[2].profile: unknown profile "v9" (known: v4-reference, v3)',
    's.json: boards[3].pis[0]: expected an object, got 7',
    's.json: boards[3].extra: unknown field',
  ];
  for (const line of expected) assert.ok(m.split('\n').includes(line), `missing: ${line}\n--- got:\n${m}`);
});

test('unknown Pi models are listed with the known ones of the board profile', () => {
  const m = message(() => parseStack({ boards: [{ dip: 0, pis: [null, 'pi5'] }] }, 's.json'));
  assert.is(m, 's.json: boards[0].pis[1].model: unknown Pi model "pi5" (known in profile v4-reference: pi3b+, pi4, pi-zero-2w)');
  const custom = parseProfile({ name: 'lab', piModels: { pi5: { ...DEFAULT_PI, bootTimeMs: 15_000 } } }, 'lab.json');
  const s = parseStack({ boards: [{ dip: 0, pis: ['pi5', null] }] }, 's.json', { defaultProfile: custom });
  assert.is(s.boards[0]?.pis[0]?.model, 'pi5', 'a custom default profile adds models');
});

const DEFAULT_PI = {
  bootTimeMs: 1, bootCurrentA: 0.5, idleCurrentA: 0.5, loadCurrentA: 1, haltedCurrentA: 0.1, shortCircuitCurrentA: 6,
  heartbeatHighMs: 200, heartbeatPeriodMs: 5200, shutdownTimeMs: 8000, slowShutdownTimeMs: 60_000,
  undervoltageFlagV: 4.63, resetBelowV: 4.2, selfShutdownPulseMs: 200, heartbeatStaysHighAfterSelfShutdown: false,
};

test('supply defaults to the default profile nominal voltage', () => {
  const p = parseProfile({ supply: { nominalV: 24 } }, 'p.json');
  assert.is(parseStack({ boards: [] }, 's.json', { defaultProfile: p }).supplyVolts, 24);
});

test('warns about shared IDs (naming every board) and about ID 0xFF', () => {
  const s = parseStack(
    {
      boards: [
        { dip: 5, pis: [null, null] },
        { dip: 6, pis: [null, null] },
        { dip: 5, prefix: 0x00, pis: [null, null] },
        { dip: 15, prefix: 0xf0, pis: [null, null] },
        { dip: 5, pis: [null, null] },
      ],
    },
    's.json',
  );
  assert.equal(stackWarnings(s), [
    'boards[0], boards[2] and boards[4] share ID 0x05: they all answer its requests and their replies collide',
    "boards[3] has ID 0xFF, the master address: it would read other boards' replies as requests",
  ]);
});

test('stackFromText parses text and reports bad JSON and non-objects', () => {
  assert.is(stackFromText('{"boards": [{"dip": 2, "pis": ["pi3b+", null]}]}', 't.json').boards[0]?.dip, 2);
  assert.match(message(() => stackFromText('{"boards": [}', 't.json')), /^t\.json: not valid JSON( at line 1, column 13)?: Unexpected token/);
  assert.is(message(() => parseStack('default', 't.json')), 't.json: expected a stack description object, got "default"');
});

test.run();
