/**
 * End to end, in real time: `pistack serve --pty` (serve() in this process; a stack whose OFF_DELAY unit is 10 ms, so a
 * graceful off takes 0.3 s), `pistack pdu` on that PTY, and Debian's labgrid NetworkPowerDriver
 * (python3-labgrid, model `rest`, a local environment file, no coordinator) switching Pi 0 and
 * Pi 1 of board 0: get, on, off, cycle. Then /metrics parsed by a strict format parser, and
 * SIGTERM stops pdu (exit 0). Children are stopped by their own PIDs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProfile } from './simFiles.ts';
import { DEFAULT_SEED } from '../board-model/scenario.ts';
import { DEFAULT_STACK } from '../board-model/stack.ts';
import { serve, type ServeHandle } from '../hil/serve/serve.ts';
import { startPduChild } from './pdu/testing/pduChild.ts';
import { parsePrometheusText } from './pdu/testing/promText.ts';

const BIN = resolve(fileURLToPath(import.meta.url), '../../bin/pistack.js');
/** Debian's interpreter (python3-labgrid lives there, not in a pyenv on PATH). */
const PYTHON = '/usr/bin/python3';

const SCRIPT = `
import json, sys
from labgrid import Environment
env = Environment(sys.argv[1])
out = {}
for name in ('pi0', 'pi1'):
    driver = env.get_target(name).get_driver('NetworkPowerDriver')
    seq = [driver.get()]
    driver.on(); seq.append(driver.get())
    driver.off(); seq.append(driver.get())
    driver.cycle(); seq.append(driver.get())
    driver.off(); seq.append(driver.get())
    out[name] = seq
print(json.dumps(out))
`;

function environment(url: string): string {
  const target = (index: number) => [
    `  pi${index}:`,
    '    resources:',
    '      NetworkPowerPort:',
    '        model: rest',
    `        host: '${url}/boards/0/pis/{index}/power'`,
    `        index: ${index}`,
    '    drivers:',
    '      NetworkPowerDriver:',
    '        delay: 0.2',
  ];
  return ['targets:', ...target(0), ...target(1), ''].join('\n');
}

function runPython(args: string[], timeoutMs: number): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => (child.kill('SIGKILL'), fail(new Error(`python did not finish within ${timeoutMs} ms: ${out} ${err}`))), timeoutMs);
    child.once('exit', (code) => (clearTimeout(timer), done({ code, out, err })));
  });
}

test('labgrid NetworkPowerDriver (model rest) switches Pis of a served stack through pistack pdu: get, on, off, cycle; /metrics parses', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pistack-pdu-lg-'));
  const link = join(dir, 'ttyPDU');
  const profile = join(dir, 'fast-off.json');
  writeFileSync(profile, JSON.stringify({ name: 'fast-off', settingUnitMs: { offDelay: 10, sigOffDelay: 10 } }));
  let served: ServeHandle | undefined;
  let pdu: ReturnType<typeof startPduChild> | undefined;
  try {
    served = await serve({
      endpoint: { kind: 'pty', path: link },
      scenario: { name: 'pdu', description: '', stack: DEFAULT_STACK, profile: loadProfile(profile), seed: DEFAULT_SEED, durationMs: 0, steps: [], expect: [] },
    });
    // a generous reply allowance: the machine is loaded, and late replies are not what this test is about
    pdu = startPduChild(BIN, ['--port', link, '--reply-timeout', '1000', '--listen', '127.0.0.1:0'], 60_000);
    const url = await pdu.ready;
    assert.match(pdu.out(), /switching 16 boards \(ID 0, 1, .*15\) on \S+ @ 9600 baud\n/, pdu.out());
    const env = join(dir, 'env.yaml');
    writeFileSync(env, environment(url));
    const script = join(dir, 'power.py');
    writeFileSync(script, SCRIPT);
    const python = await runPython([script, env], 120_000);
    assert.is(python.code, 0, python.err);
    const result = JSON.parse(python.out) as Record<string, boolean[]>;
    assert.equal(result, { pi0: [false, true, false, true, false], pi1: [false, true, false, true, false] }, `${python.out}\n${pdu.out()}`);
    const log = pdu.out();
    assert.is((log.match(/board 0 Pi 1: on, powered 1/g) ?? []).length, 2, log);
    const offs = [...log.matchAll(/board 0 Pi 0: off, powered 0 after (\d+) ms/g)].map((m) => Number(m[1]));
    assert.is(offs.length, 3, log);
    // off, then cycle's off of a Pi already off (answers at once: not checked, the machine may be slow), then the last off
    assert.ok(offs[0]! >= 300 && offs[2]! >= 300, `a graceful off waits for OFF_DELAY (30 x 10 ms): ${offs.join(', ')} ms`);

    const metrics = await fetch(`${url}/metrics`);
    assert.is(metrics.status, 200);
    const families = parsePrometheusText(await metrics.text());
    assert.is(families.get('pistack_pi_powered')!.samples.length, 32);
    assert.ok(families.get('pistack_pi_powered')!.samples.every((s) => s.value === 0), 'labgrid left every Pi off');
    assert.is(families.get('pistack_board_up')!.samples.filter((s) => s.value === 1).length, 16);
  } finally {
    pdu?.child.kill('SIGTERM');
    if (pdu) await pdu.exited;
    await served?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.is(await pdu!.exited, 0, pdu!.err());
  assert.match(pdu!.out(), /stopped \(SIGTERM\)\n$/);
});

test.run();
