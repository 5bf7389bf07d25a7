/**
 * `pistack pdu` in-process: the HTTP API on 127.0.0.1 over a PduService on a simulated stack
 * (virtual time runs inside each bus job, so a 30 s graceful off costs no real wait). Power
 * on/off/force, the graceful-off timeout, errors (400/404/405/503), the serialised bus, the
 * shared /metrics read, read-only GETs, and /metrics checked by a strict format parser.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { V3_PROFILE, V4_REFERENCE } from '../../board-model/profiles.ts';
import { StackClient } from '../../bus-protocol/StackClient.ts';
import type { TrafficEvent } from '../../bus-protocol/BusClient.ts';
import type { ByteTransport } from '../../bus-protocol/transport.ts';
import { openPort } from '../../hil/ports.ts';
import { simReconnect } from '../../hil/bench/reconnect.ts';
import { PduService, type PduServiceOptions } from './PduService.ts';
import { servePdu, type PduServer } from './httpApi.ts';
import { parsePrometheusText } from './testing/promText.ts';
import { escapeLabel, metricsText } from './prometheusText.ts';

interface Rig {
  url: string;
  port: Awaited<ReturnType<typeof openPort>>;
  service: PduService;
  sim: NonNullable<Awaited<ReturnType<typeof openPort>>['sim']>;
  traffic: TrafficEvent[];
  log: string[];
  close(): Promise<void>;
}

/** A pdu on a simulated stack (default: 16 boards, v4-reference, seed 1), served on a free port of 127.0.0.1. */
async function rig(options: Partial<PduServiceOptions> = {}, profile = V4_REFERENCE, stack = 'default', transport?: (t: ByteTransport) => ByteTransport): Promise<Rig> {
  const port = await openPort('sim:', { profile, stack, seed: 7 });
  const traffic: TrafficEvent[] = [];
  const client = new StackClient(transport ? transport(port.transport) : port.transport, { clock: port.clock, checkFirmware: true, onTraffic: (e) => void traffic.push(e) });
  const scan = await port.run(client.scan({ from: 0, to: 15 }));
  const service = new PduService({ port, client, boards: scan.found, profile, now: () => port.clock.now(), ...options });
  const log: string[] = [];
  const server: PduServer = await servePdu(service, { host: '127.0.0.1', port: 0, portSpec: 'sim:', log: (l) => void log.push(l) });
  traffic.length = 0;
  return {
    url: server.url.replace(/\/$/, ''), port, service, sim: port.sim!, traffic, log,
    close: async () => {
      await server.close();
      await service.close();
      await port.close(); // the simulated stack, also after a reopen put another adapter in its place
    },
  };
}

async function call(url: string, method = 'GET', body?: string): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(url, { method, ...(body === undefined ? {} : { body }) });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

test('GET answers 1 or 0; PUT 1 switches on, PUT 0 switches off gracefully (PI_OFF, then waits the 30 s OFF_DELAY for power to go), ?mode=force at once', async () => {
  const r = await rig();
  try {
    const power = `${r.url}/boards/2/pis/1/power`;
    assert.equal(await call(power), { status: 200, text: '0', type: 'text/plain; charset=utf-8' });
    assert.equal((await call(power, 'PUT', '1')).text, '1');
    assert.ok(r.sim.boards[2]!.switchClosed(1), 'the simulated switch is closed');
    assert.is((await call(power)).text, '1');
    const before = r.sim.clock.now();
    const off = await call(power, 'PUT', '0\n');
    assert.equal([off.status, off.text], [200, '0']);
    const tookMs = r.sim.clock.now() - before;
    assert.ok(tookMs >= 30_000 && tookMs < 30_500, `graceful off took ${tookMs} ms of virtual time (OFF_DELAY 30 s, polled every 100 ms)`);
    assert.ok(r.traffic.some((e) => e.direction === 'host' && e.bytes[0] === 0x12), 'PI_OFF was sent');
    assert.not.ok(r.traffic.some((e) => e.direction === 'host' && e.bytes[0] === 0x13), 'no PI_FORCE_OFF on a graceful off');
    assert.is((await call(power, 'PUT', '1')).text, '1');
    r.traffic.length = 0;
    const t0 = r.sim.clock.now();
    assert.is((await call(`${power}?mode=force`, 'PUT', '0')).text, '0');
    assert.ok(r.sim.clock.now() - t0 < 100, 'a forced off does not wait');
    assert.equal(r.traffic.filter((e) => e.direction === 'host').map((e) => e.bytes[0]), [0x13, 0x10], 'PI_FORCE_OFF, then GET_PI_POWERED');
    assert.ok(r.log.some((l) => /^board 2 Pi 1: forced off, powered 0 after \d+ ms$/.test(l)), r.log.join('\n'));
  } finally {
    await r.close();
  }
});

test('a profile whose graceful off waits SIG_OFF_DELAY (unit 100 ms): the default timeout follows it, and the off takes 3 s', async () => {
  const profile = { ...V4_REFERENCE, name: 'sig-off', gracefulOffDelay: 'sig-off-delay' as const, settingUnitMs: { ...V4_REFERENCE.settingUnitMs, sigOffDelay: 100, offDelay: 60_000 } };
  const r = await rig({ offMarginMs: 500 }, profile);
  try {
    const power = `${r.url}/boards/1/pis/0/power`;
    await call(power, 'PUT', '1');
    const before = r.sim.clock.now();
    assert.equal((await call(power, 'PUT', '0')).text, '0');
    const tookMs = r.sim.clock.now() - before;
    assert.ok(tookMs >= 3000 && tookMs < 3500, `${tookMs} ms`);
    assert.ok(r.traffic.some((e) => e.direction === 'host' && e.bytes[0] === 0x1a), 'GET_SIG_OFF_DELAY read for the timeout');
  } finally {
    await r.close();
  }
});

test('graceful off that does not finish within --off-timeout: 504 with the reason; the board still switches off later', async () => {
  const r = await rig({ offTimeoutMs: 2000 });
  try {
    const power = `${r.url}/boards/0/pis/0/power`;
    await call(power, 'PUT', '1');
    const off = await call(power, 'PUT', '0');
    assert.is(off.status, 504);
    assert.match(off.text, /^board 0 Pi 0 is still powered 2\.\d s after PI_OFF \(graceful off timeout 2\.0 s\); PUT 0 with \?mode=force switches it off at once\n$/);
    assert.ok(r.sim.boards[0]!.switchClosed(0));
    await r.sim.runFor(30_000);
    assert.is((await call(power)).text, '0');
  } finally {
    await r.close();
  }
});

test('a switch whose reply is lost is sent again (labgrid ignores a failed PUT): PI_ON with its first two replies dropped still switches on', async () => {
  let drop = 0;
  let lastSent = 0;
  const lossy = (t: ByteTransport): ByteTransport => ({
    description: t.description, close: () => t.close(), onClose: (l) => t.onClose(l),
    write: (bytes) => ((lastSent = bytes[0]!), t.write(bytes)),
    onData: (listener) => t.onData((bytes) => (lastSent === 0x11 && drop > 0 ? void drop-- : listener(bytes))),
  });
  const r = await rig({}, V4_REFERENCE, 'default', lossy);
  try {
    drop = 2;
    const on = await call(`${r.url}/boards/6/pis/0/power`, 'PUT', '1');
    assert.equal([on.status, on.text], [200, '1']);
    assert.is(r.traffic.filter((e) => e.direction === 'host' && e.bytes[0] === 0x11).length, 3, 'PI_ON sent three times');
    drop = 3;
    const again = await call(`${r.url}/boards/6/pis/1/power`, 'PUT', '1');
    assert.is(again.status, 502, 'three lost replies: the board does not answer');
    assert.match(again.text, /PI_ON/);
  } finally {
    await r.close();
  }
});

test('bad requests: 400 for a bad body or query, 404 for bad paths and boards not found, 405 with Allow for a bad method', async () => {
  const r = await rig();
  try {
    const power = `${r.url}/boards/1/pis/0/power`;
    const cases: Array<[string, string, string | undefined, number, RegExp]> = [
      [power, 'PUT', 'on', 400, /^the body must be 1 \(on\) or 0 \(off\), got "on"\n$/],
      [power, 'PUT', '', 400, /got ""/],
      [power, 'PUT', '1'.repeat(100), 400, /more than 64 bytes/],
      [`${power}?mode=hard`, 'PUT', '0', 400, /^"mode" must be graceful or force, got "hard"\n$/],
      [`${power}?force=1`, 'PUT', '0', 400, /unknown query parameter "force"/],
      [`${r.url}/boards/1/pis/2/power`, 'GET', undefined, 404, /a Pi is \/boards\/\{id\}\/pis\/\{0 or 1\}\/power/],
      [`${r.url}/boards/300`, 'GET', undefined, 404, /no such board: "300" \(IDs are 0\.\.254\)/],
      [`${r.url}/boards/20/pis/0/power`, 'GET', undefined, 404, /^no board 20: the boards found at start are 0, 1, .*15 \(restart pistack pdu after adding boards\)\n$/],
      [`${r.url}/boards/1/pis`, 'GET', undefined, 404, /no such path/],
      [`${r.url}/nothing`, 'GET', undefined, 404, /^no such path: \/nothing \(GET \/ lists the paths\)\n$/],
      [power, 'POST', '1', 405, /^POST is not allowed here; use GET or PUT\n$/],
      [`${r.url}/metrics`, 'PUT', '1', 405, /use GET/],
    ];
    for (const [url, method, body, status, text] of cases) {
      const got = await call(url, method, body);
      assert.is(got.status, status, `${method} ${url}: ${got.text}`);
      assert.match(got.text, text, `${method} ${url}`);
    }
    assert.is((await fetch(power, { method: 'DELETE' })).headers.get('allow'), 'GET, PUT');
    assert.is(r.traffic.length, 0, 'no bad request reached the bus');
    assert.match((await call(`${r.url}/`)).text, /PUT  \/boards\/\{id\}\/pis\/\{pi\}\/power/);
  } finally {
    await r.close();
  }
});

test('read-only GETs (/boards, /boards/{id}, power, /metrics) leave every board as found, its error log and boot count included; on v3 firmware too', async () => {
  for (const profile of [V4_REFERENCE, V3_PROFILE]) {
    const r = await rig({}, profile);
    try {
      const flash = () => r.sim.boards.map((b) => JSON.stringify([b.flash.image(), b.seen]));
      const before = flash();
      const boards = JSON.parse((await call(`${r.url}/boards`)).text) as { boards: Array<{ id: number }> };
      assert.equal(boards.boards.map((b) => b.id), [...Array(16).keys()]);
      const status = JSON.parse((await call(`${r.url}/boards/5`)).text) as { id: number; firmwareVersion: number; errorCount: number; unavailable: string[] };
      assert.equal([status.id, status.firmwareVersion, status.errorCount], [5, profile.firmwareVersion, 0]);
      if (profile === V3_PROFILE) assert.ok(status.unavailable.some((u) => u.startsWith('GET_POWER: not in firmware v3')), status.unavailable.join('; '));
      assert.is((await call(`${r.url}/boards/5/pis/1/power`)).text, '0');
      const families = parsePrometheusText((await call(`${r.url}/metrics`)).text);
      assert.is(families.get('pistack_pi_watts')!.samples.length, profile === V3_PROFILE ? 0 : 32, 'v3 has no GET_PI_POWER: the series are left out');
      assert.equal(flash(), before, `${profile.name}: flash and counters unchanged`);
      assert.ok(r.sim.boards.every((b) => !b.switchClosed(0) && !b.switchClosed(1)));
    } finally {
      await r.close();
    }
  }
});

test('concurrent requests are serialised: a status read is never split by a switch; 16 concurrent /metrics share one bus read', async () => {
  const r = await rig({ metricsMaxAgeMs: 60_000 });
  try {
    const [status, on] = await Promise.all([call(`${r.url}/boards/3`), call(`${r.url}/boards/3/pis/0/power`, 'PUT', '1')]);
    assert.equal([status.status, on.text], [200, '1']);
    const codes = r.traffic.filter((e) => e.direction === 'host').map((e) => e.bytes[0]!);
    const piOn = codes.indexOf(0x11);
    assert.ok(piOn === 0 || piOn === codes.length - 2, `PI_ON is before or after the whole status read, not inside it: ${codes.map((c) => c.toString(16)).join(' ')}`);
    r.traffic.length = 0;
    const scrapes = await Promise.all(Array.from({ length: 16 }, () => call(`${r.url}/metrics`)));
    assert.ok(scrapes.every((s) => s.status === 200 && s.text === scrapes[0]!.text));
    const requests = r.traffic.filter((e) => e.direction === 'host').length;
    assert.is(requests, 16 * 17, 'one read of 16 boards x 17 requests, shared by all 16 scrapes');
    await call(`${r.url}/boards/3/pis/0/power?mode=force`, 'PUT', '0');
    r.traffic.length = 0;
    await call(`${r.url}/metrics`);
    assert.is(r.traffic.filter((e) => e.direction === 'host').length, 16 * 17, 'a switch makes the cached readings stale');
  } finally {
    await r.close();
  }
});

test('/metrics older than --metrics-max-age: served at once with its age while one background read refreshes it', async () => {
  const r = await rig({ metricsMaxAgeMs: 1000 });
  try {
    const scrape = async () => parsePrometheusText((await call(`${r.url}/metrics`)).text);
    const age = (f: Awaited<ReturnType<typeof scrape>>) => f.get('pistack_readings_age_seconds')!.samples[0]!.value;
    assert.is(age(await scrape()), 0);
    await r.sim.runFor(5000);
    r.traffic.length = 0;
    const stale = await scrape();
    assert.ok(age(stale) >= 5, `the old readings, ${age(stale)} s old`);
    const requests = () => r.traffic.filter((e) => e.direction === 'host').length;
    const deadline = Date.now() + 30_000;
    // the read runs its own virtual time (each bus job settles the simulation): only wait for it
    while (requests() < 16 * 17 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    assert.is(requests(), 16 * 17, 'one background read of every board');
    const fresh = await scrape();
    assert.ok(age(fresh) < 1, `fresh readings after the background read, ${age(fresh)} s old`);
  } finally {
    await r.close();
  }
});

test('/metrics: valid exposition format, HELP and TYPE for each family, readings per board and per Pi with board/pi labels', async () => {
  const r = await rig();
  try {
    await call(`${r.url}/boards/4/pis/1/power`, 'PUT', '1');
    await r.sim.runFor(30_000); // the Pi boots and draws current
    const got = await call(`${r.url}/metrics`);
    assert.is(got.type, 'text/plain; version=0.0.4; charset=utf-8');
    const families = parsePrometheusText(got.text);
    for (const [name, family] of families) {
      assert.ok(family.help && family.type === 'gauge', `${name} has HELP and TYPE gauge`);
    }
    const one = (name: string, labels: Record<string, string>) => families.get(name)!.samples.find((s) => JSON.stringify(s.labels) === JSON.stringify(labels))!.value;
    for (const name of ['pistack_input_volts', 'pistack_input_amps', 'pistack_input_watts', 'pistack_rail_volts', 'pistack_rail_watts', 'pistack_error_count', 'pistack_boot_count']) {
      assert.is(families.get(name)!.samples.length, 16, name);
    }
    for (const name of ['pistack_pi_volts', 'pistack_pi_amps', 'pistack_pi_watts', 'pistack_pi_powered', 'pistack_pi_heartbeat']) {
      assert.is(families.get(name)!.samples.length, 32, name);
    }
    assert.ok(Math.abs(one('pistack_input_volts', { board: '4' }) - 12) < 0.5);
    assert.is(one('pistack_pi_powered', { board: '4', pi: '1' }), 1);
    assert.is(one('pistack_pi_powered', { board: '4', pi: '0' }), 0);
    const amps = one('pistack_pi_amps', { board: '4', pi: '1' });
    assert.ok(amps > 0.3 && amps < 1, `a running Pi draws about 0.4 A, got ${amps}`);
    assert.ok(one('pistack_pi_watts', { board: '4', pi: '1' }) > 1);
    assert.is(one('pistack_board_up', { board: '4' }), 1);
  } finally {
    await r.close();
  }
});

test('metricsText: a board that failed is up 0, label values escaped, no empty label braces', () => {
  const text = metricsText({ boards: [], failed: [{ id: 9, reason: 'no reply' }], readSeconds: 0.25, ageSeconds: 3 });
  const families = parsePrometheusText(text);
  assert.equal(families.get('pistack_board_up')!.samples, [{ name: 'pistack_board_up', labels: { board: '9' }, value: 0 }]);
  assert.match(text, /\npistack_scrape_read_seconds 0\.25\n/);
  assert.match(text, /\npistack_readings_age_seconds 3\n/);
  assert.is(escapeLabel('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  assert.throws(() => parsePrometheusText('x{a="1"} 1\nx{a="1"} 2\n'), /duplicate series/);
  assert.throws(() => parsePrometheusText('x 1\n# TYPE x gauge\n'), /TYPE for x after its samples/);
  assert.throws(() => parsePrometheusText('x 1\ny 1\nx{a="b"} 1\n'), /two separate groups/);
  assert.throws(() => parsePrometheusText('x{a="\\q"} 1\n'), /bad escape/);
  assert.throws(() => parsePrometheusText('x one\n'), /bad value/);
  assert.throws(() => parsePrometheusText('x 1'), /end with a newline/);
});

test('the bus lost (adapter unplugged): 503 with the reason, for switches and reads alike', async () => {
  const r = await rig();
  try {
    r.sim.host.unplug('adapter unplugged');
    for (const [path, method, body] of [['/boards/0/pis/0/power', 'PUT', '1'], ['/boards/0/pis/0/power', 'GET', undefined], ['/metrics', 'GET', undefined], ['/boards/0', 'GET', undefined]] as const) {
      const got = await call(`${r.url}${path}`, method, body);
      assert.is(got.status, 503, path);
      assert.is(got.text, 'the bus is lost: adapter unplugged\n');
    }
    assert.is(r.service.lost, 'adapter unplugged');
    assert.ok(r.log.some((l) => l.includes('503 the bus is lost')));
  } finally {
    await r.close();
  }
});

test('a lost bus is reopened on the next request (an adapter plugged back in); a failed reopen is 503 with why, retried at most every 2 s', async () => {
  let fail = true;
  let tries = 0;
  const r = await rig({
    reopen: async () => {
      tries++;
      if (fail) throw new Error('no serial device at /dev/ttyUSB0');
      const port = await simReconnect(r.port)();
      return { port, client: new StackClient(port.transport, { clock: port.clock, checkFirmware: true }) };
    },
  });
  try {
    const reopened: string[] = [];
    r.service.onReopened = (d) => void reopened.push(d);
    const power = `${r.url}/boards/0/pis/0/power`;
    r.sim.host.unplug('adapter unplugged');
    assert.equal(await call(power), { status: 503, text: 'the bus is lost: adapter unplugged; reopening failed: no serial device at /dev/ttyUSB0\n', type: 'text/plain; charset=utf-8' });
    assert.match((await call(power)).text, /^the bus is lost: adapter unplugged \(reopening at most every 2 s\)\n$/);
    assert.is(tries, 1);
    fail = false;
    await r.sim.runFor(2000);
    assert.equal([(await call(power, 'PUT', '1')).text, tries], ['1', 2]);
    assert.is(r.service.lost, undefined);
    assert.match(reopened[0]!, /reconnected/);
    assert.ok(r.sim.boards[0]!.switchClosed(0), 'switched through the new adapter');
  } finally {
    await r.close();
  }
});

test.run();
