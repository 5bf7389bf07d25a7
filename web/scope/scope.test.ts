/**
 * The scope's pure parts in Node: the bounded trace, the recorder on a real simulated stack
 * (every heartbeat edge, the switch, volts and amps, the bus, events and lesson markers, at
 * the virtual time they happened), the CSV and VCD exporters (the VCD read back by a strict
 * parser and checked against the simulation at chosen times), and the window's pan and zoom.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StackClient } from '../../bus-protocol/StackClient.ts';
import { SimStack } from '../../board-model/SimStack.ts';
import { parseStack } from '../../board-model/stack.ts';
import { csvColumn, toCsv, toVcd, vcdId, vcdTime } from './exporters.ts';
import { DEFAULT_SPAN_MS, MAX_SPAN_MS, MIN_SPAN_MS, ScopeWindow, tickLabel, ticks } from './ScopeWindow.ts';
import { Trace, type TraceInfo } from './Trace.ts';
import { BOARD_TRACES, TraceRecorder } from './TraceRecorder.ts';

const DIGITAL: TraceInfo = { key: 'd', label: 'd', kind: 'digital', unit: '' };
const ANALOG: TraceInfo = { key: 'a', label: 'a', kind: 'analog', unit: 'V' };

async function rig(boards: unknown[] = [{ dip: 3, pis: ['pi3b+', 'pi3b+'] }, { dip: 4, pis: ['pi3b+', null] }]) {
  const sim = new SimStack({ stack: parseStack({ boards }, 'test') }).start();
  const client = new StackClient(sim.host, { clock: sim.hostClock, retries: 0 });
  const recorder = new TraceRecorder(sim);
  await sim.runFor(100);
  return { sim, client, recorder };
}

test('Trace: a step function; equal values are not kept, a same-time change replaces, a late change is inserted in order', () => {
  const tr = new Trace(DIGITAL, 0);
  tr.set(0, 0);
  tr.set(5, 0);
  tr.set(10, 1);
  tr.set(20, 0);
  assert.is(tr.length, 3);
  assert.is(tr.valueAt(-1), undefined);
  assert.equal([tr.valueAt(0), tr.valueAt(9.9), tr.valueAt(10), tr.valueAt(25)], [0, 0, 1, 0]);
  tr.set(20, 1); // same instant: the settled value wins, and a change back to the previous value is no change
  assert.is(tr.length, 2);
  assert.is(tr.last, 1);
  tr.set(30, 0);
  tr.set(15, 0); // reported late (a bus transmission at its end)
  assert.equal([...Array(tr.length).keys()].map((i) => [tr.timeAt(i), tr.valueOf(i)]), [[0, 0], [10, 1], [15, 0], [30, 0]]);
  assert.is(tr.valueAt(16), 0);
  assert.is(tr.risingEdges(), 1);
  assert.is(tr.risingEdges(11), 0);
  assert.is(tr.total, 5);
  assert.throws(() => new Trace(DIGITAL, 0, 1), /"cap" must be at least 2/);
});

test('Trace: bounded; past the cap the oldest changes go, and `since` says from when the trace is complete', () => {
  const tr = new Trace(ANALOG, 0, 8);
  for (let i = 0; i < 20; i++) tr.set(i * 10, i);
  assert.ok(tr.length <= 8, `kept ${tr.length}`);
  assert.is(tr.total, 20);
  assert.is(tr.since, tr.timeAt(0));
  assert.ok(tr.since > 0);
  assert.is(tr.valueAt(190), 19);
  assert.is(tr.valueAt(tr.since - 1), undefined);
  tr.set(1, 99); // older than the kept history: ignored
  assert.is(tr.valueAt(tr.since), tr.valueOf(0));
});

test('recorder: a Pi switched on over the bus; switch, volts, amps, bus request and reply, and every heartbeat edge at its virtual time', async () => {
  const { sim, client, recorder } = await rig();
  assert.is(recorder.boards, 2);
  assert.equal(recorder.traces(0).map((t) => t.info.key), BOARD_TRACES.map((t) => t.key));
  assert.is(recorder.trace(0, 'pi0_switch').last, 0);
  assert.is(recorder.trace(0, 'vin').last, 12);
  const sentAt = sim.clock.now();
  await sim.settle(client.piOn(3, 0));
  const sw = recorder.trace(0, 'pi0_switch');
  assert.is(sw.last, 1);
  const onAt = sw.timeAt(sw.length - 1);
  assert.ok(onAt > sentAt, 'the switch closed after the request');
  const req = recorder.trace(0, 'bus_request');
  const reply = recorder.trace(0, 'bus_reply');
  assert.is(req.risingEdges(), 1);
  assert.is(reply.risingEdges(), 1);
  assert.ok(req.timeAt(1) >= sentAt && req.timeAt(2) > req.timeAt(1), 'request on the wire from its start to its end');
  assert.ok(reply.timeAt(1) > req.timeAt(2), 'the reply after the request');
  assert.is(recorder.trace(1, 'bus_request').risingEdges(), 0, 'board ID 4 saw no request of its own');
  await sim.runFor(120_000);
  const beats = recorder.trace(0, 'pi0_heartbeat');
  let rises = 0;
  sim.boards[0]!.heartbeat[0].onRise(() => rises++);
  const before = beats.risingEdges();
  assert.ok(before >= 15, `heartbeats after 2 min: ${before}`);
  await sim.runFor(60_000);
  assert.is(beats.risingEdges() - before, rises, 'every rising edge of the line is in the trace');
  assert.is(beats.length % 2, 1, 'falling edges too: start value, then rise/fall pairs');
  const t = beats.timeAt(beats.length - 1);
  assert.is(beats.valueAt(t - 1), 1, 'high for 200 ms before the fall');
  assert.is(beats.valueAt(t - 201), 0);
  assert.is(recorder.trace(0, 'pi0_volts').last, sim.boards[0]!.electrical().portV[0]);
  assert.is(recorder.trace(0, 'pi0_amps').last, sim.boards[0]!.electrical().portA[0]);
  assert.ok(recorder.trace(0, 'pi0_amps').last! > 0.3);
  assert.is(recorder.trace(0, 'pi1_switch').last, 0);
  assert.is(recorder.trace(0, 'pi0_signal').last, 1);
  const events = recorder.markers(0).map((m) => m.label);
  for (const type of ['mcu-boot', 'power-on', 'pi-booted']) assert.ok(events.includes(type), `${type} marker`);
  assert.not.ok(recorder.markers(1).some((m) => m.label === 'power-on'), 'board 1 shows its own events only');
  sim.stop();
});

test('recorder: the shutdown signal line, a supply change and lesson markers; dispose stops recording', async () => {
  const { sim, client, recorder } = await rig();
  await sim.settle(client.piOn(3, 0));
  await sim.runFor(40_000);
  await sim.settle(client.piOff(3, 0));
  await sim.runFor(1000);
  const sig = recorder.trace(0, 'pi0_signal');
  assert.ok(sig.length >= 2 && sig.valueOf(1) === 0, 'the board pulled the signal line low');
  sim.control.setSupplyVolts(11);
  await sim.runFor(10);
  assert.is(recorder.trace(0, 'vin').last, 11);
  assert.is(recorder.trace(1, 'vin').last, 11);
  recorder.addMarker(500, 'Step 1: power on', { boards: [0] });
  recorder.addMarker(sim.clock.now(), 'the end');
  const lesson = recorder.markers(0).filter((m) => m.kind === 'lesson');
  assert.equal(lesson.map((m) => [m.t, m.label]), [[500, 'Step 1: power on'], [sim.clock.now(), 'the end']]);
  assert.equal(recorder.markers(1).filter((m) => m.kind === 'lesson').map((m) => m.label), ['the end']);
  const all = recorder.markers(0);
  assert.ok(all.every((m, i) => i === 0 || all[i - 1]!.t <= m.t), 'markers in time order');
  assert.is(recorder.markers(0, 400, 600).filter((m) => m.kind === 'lesson').length, 1);
  recorder.dispose();
  sim.control.setSupplyVolts(12);
  await sim.runFor(10);
  assert.is(recorder.trace(0, 'vin').last, 11, 'no longer recording');
  assert.throws(() => recorder.trace(0, 'nope'), /no trace "nope"/);
  assert.throws(() => recorder.traces(5), /no board at index 5/);
  sim.stop();
});

test('recorder: bounded markers and traces say from when they are complete', async () => {
  const sim = new SimStack({ stack: parseStack({ boards: [{ dip: 0, pis: ['pi3b+', null] }] }, 't') }).start();
  const recorder = new TraceRecorder(sim, { cap: 8, markerCap: 8 });
  for (let i = 0; i < 20; i++) recorder.addMarker(i * 100, `m${i}`);
  assert.ok(recorder.markers(0).length <= 8);
  assert.ok(recorder.markerCount >= 20, 'markerCount counts the dropped ones too (a redraw key)');
  assert.equal(recorder.markers(0, 1650, 1850).map((m) => m.label), ['m17', 'm18'], 'a time range (found by binary search)');
  assert.equal(recorder.markers(0, 5000), []);
  assert.ok(recorder.markersComplete > 0);
  assert.is(recorder.completeSince(0), 0);
  for (let i = 0; i < 10; i++) {
    sim.control.setSupplyVolts(11 + (i % 2));
    await sim.runFor(10);
  }
  assert.ok(recorder.completeSince(0) > 0, 'vin dropped old changes');
  sim.stop();
});

/** A strict reader of the VCD subset the exporter writes: header, then #time and value changes; throws on anything else. */
function parseVcd(text: string) {
  const tokens = text.split(/\s+/).filter((s) => s !== '');
  let i = 0;
  const vars = new Map<string, { type: string; size: number; name: string }>();
  const header: Record<string, string> = {};
  let scopes = 0;
  const until = (): string[] => {
    const out: string[] = [];
    while (tokens[i] !== '$end') {
      if (i >= tokens.length) throw new Error('missing $end');
      out.push(tokens[i++]!);
    }
    i++;
    return out;
  };
  for (;;) {
    const kw = tokens[i++];
    if (kw === '$enddefinitions') {
      assert.equal(until(), []);
      break;
    }
    if (kw === '$version' || kw === '$comment' || kw === '$timescale' || kw === '$date') header[kw] = until().join(' ');
    else if (kw === '$scope') {
      assert.equal(until().slice(0, 1), ['module']);
      scopes++;
    } else if (kw === '$upscope') {
      assert.equal(until(), []);
      scopes--;
    } else if (kw === '$var') {
      const [type, size, id, name, ...rest] = until();
      assert.equal(rest, []);
      assert.ok(type === 'wire' || type === 'real', `var type ${type}`);
      assert.ok(/^[!-~]+$/.test(id!), `id ${id}`);
      assert.not.ok(vars.has(id!), `duplicate id ${id}`);
      vars.set(id!, { type: type!, size: Number(size), name: name! });
    } else throw new Error(`unexpected header token ${kw}`);
  }
  assert.is(scopes, 0, 'scopes balanced');
  const changes: Array<{ t: number; name: string; v: number | 'x' }> = [];
  let t = -1;
  const value = (tok: string, next: () => string) => {
    if (tok.startsWith('r')) {
      const id = next();
      const v = vars.get(id);
      assert.ok(v && v.type === 'real', `real change for ${id}`);
      assert.ok(/^r-?\d+(\.\d+)?(e[-+]?\d+)?$/.test(tok), `real value ${tok}`);
      changes.push({ t, name: v!.name, v: Number(tok.slice(1)) });
    } else {
      const m = /^([01xz])(.+)$/.exec(tok);
      assert.ok(m, `scalar change ${tok}`);
      const v = vars.get(m![2]!);
      assert.ok(v && v.type === 'wire' && v.size === 1, `wire ${m![2]}`);
      changes.push({ t, name: v!.name, v: m![1] === 'x' ? 'x' : Number(m![1]) });
    }
  };
  while (i < tokens.length) {
    const tok = tokens[i++]!;
    if (tok.startsWith('#')) {
      const next = Number(tok.slice(1));
      assert.ok(Number.isInteger(next) && next > t, `time ${tok} after ${t}`);
      t = next;
    } else if (tok === '$dumpvars') {
      assert.ok(t >= 0, '$dumpvars after a time');
      while (tokens[i] !== '$end') value(tokens[i++]!, () => tokens[i++]!);
      i++;
    } else if (tok === '$comment') until();
    else {
      assert.ok(t >= 0, 'a change before any time');
      value(tok, () => tokens[i++]!);
    }
  }
  /** Value of a variable at time (VCD units). */
  const at = (name: string, time: number): number | 'x' | undefined => {
    let v: number | 'x' | undefined;
    for (const c of changes) if (c.name === name && c.t <= time) v = c.v;
    return v;
  };
  return { header, vars, changes, at };
}

test('VCD: strict structure, and the values at chosen times are the simulation\'s', async () => {
  const { sim, client, recorder } = await rig();
  await sim.settle(client.piOn(3, 0));
  const probes: Array<{ t: number; hb: boolean; volts: number; amps: number; sw: boolean; rail: number }> = [];
  for (let k = 0; k < 40; k++) {
    await sim.runFor(1237);
    const b = sim.boards[0]!;
    const e = b.electrical();
    probes.push({ t: sim.clock.now(), hb: b.heartbeat[0].level, volts: e.portV[0], amps: e.portA[0], sw: b.switchClosed(0), rail: e.rail });
  }
  recorder.addMarker(30_000, 'lesson step $end-free');
  const from = recorder.completeSince(0);
  const to = sim.clock.now();
  const vcd = toVcd({ traces: recorder.traces(0), from, to, markers: recorder.markers(0), title: 'board 3' });
  const parsed = parseVcd(vcd);
  assert.is(parsed.header['$timescale'], '1 us');
  assert.is(parsed.vars.size, BOARD_TRACES.length);
  assert.equal([...parsed.vars.values()].filter((v) => v.type === 'wire').map((v) => v.name),
    ['pi0_heartbeat', 'pi0_signal', 'pi0_switch', 'pi1_heartbeat', 'pi1_signal', 'pi1_switch', 'bus_request', 'bus_reply']);
  assert.ok([...parsed.vars.values()].some((v) => v.type === 'real' && v.size === 64 && v.name === 'pi0_volts_V'));
  assert.match(vcd, /\$comment lesson lesson step \$end-free|\$comment lesson lesson step -free/);
  assert.match(vcd, /\$comment event power-on: board 3 Pi 0/);
  for (const p of probes) {
    const us = vcdTime(p.t);
    assert.is(parsed.at('pi0_heartbeat', us), p.hb ? 1 : 0, `heartbeat at ${p.t}`);
    assert.is(parsed.at('pi0_switch', us), p.sw ? 1 : 0);
    assert.is(Number(parsed.at('pi0_volts_V', us)).toFixed(6), p.volts.toFixed(6), `volts at ${p.t}`);
    assert.is(Number(parsed.at('pi0_amps_A', us)).toFixed(6), p.amps.toFixed(6));
    assert.is(Number(parsed.at('rail_V', us)).toFixed(6), p.rail.toFixed(6));
  }
  const rises = parsed.changes.filter((c, k, all) => c.name === 'pi0_heartbeat' && c.v === 1 && all.slice(0, k).reverse().find((d) => d.name === 'pi0_heartbeat')?.v === 0).length;
  assert.is(rises, recorder.trace(0, 'pi0_heartbeat').risingEdges(from, to));
  assert.is(vcdId(0), '!');
  assert.is(vcdId(93), '~');
  assert.is(vcdId(94), '!!');
  sim.stop();
});

test('CSV: time_s and a column per trace, a row at the start and at every change, values as the simulation had them', async () => {
  const { sim, client, recorder } = await rig();
  await sim.settle(client.piOn(3, 0));
  await sim.runFor(40_000);
  const traces = recorder.traces(0);
  const csv = toCsv({ traces, from: 0, to: sim.clock.now(), title: 'board 3' });
  const [head, ...rows] = csv.trimEnd().split('\n');
  assert.equal(head!.split(','), ['time_s', ...traces.map(csvColumn)]);
  assert.is(head!.split(',')[1], 'vin_V');
  const times = rows.map((r) => Number(r.split(',')[0]));
  assert.is(times[0], 0);
  assert.ok(times.every((t, k) => k === 0 || t > times[k - 1]!), 'rows in time order, one per instant');
  const hbCol = head!.split(',').indexOf('pi0_heartbeat');
  const csvRises = rows.filter((r, k) => k > 0 && r.split(',')[hbCol] === '1' && rows[k - 1]!.split(',')[hbCol] === '0').length;
  assert.is(csvRises, recorder.trace(0, 'pi0_heartbeat').risingEdges());
  assert.ok(csvRises >= 2);
  const last = rows[rows.length - 1]!.split(',');
  assert.is(Number(last[head!.split(',').indexOf('pi0_volts_V')]).toFixed(6), sim.boards[0]!.electrical().portV[0].toFixed(6));
  const early = toCsv({ traces: [new Trace(ANALOG, 0)], from: 0, to: 10, title: 'x' });
  assert.is(early, 'time_s,a_V\n0,\n', 'no value yet: an empty cell');
  sim.stop();
});

test('ScopeWindow: follows the present; pan back leaves follow mode and forward past now rejoins; zoom keeps the anchor; fit', () => {
  const w = new ScopeWindow();
  assert.equal(w.range(100_000), [100_000 - DEFAULT_SPAN_MS, 100_000]);
  w.pan(-0.5, 100_000);
  assert.is(w.follow, false);
  assert.equal(w.range(200_000), [10_000, 70_000], 'the window stays where it was put while time runs');
  w.zoom(0.5, 200_000, 40_000); // anchor at 40 s stays at the same place (one half across)
  assert.equal(w.range(200_000), [25_000, 55_000]);
  w.panBy(1_000_000, 200_000);
  assert.is(w.follow, true);
  w.zoom(2, 200_000);
  assert.is(w.span, 60_000);
  assert.is(w.follow, true);
  w.zoom(1e-9, 200_000);
  assert.is(w.span, MIN_SPAN_MS);
  w.zoom(1e12, 200_000);
  assert.is(w.span, MAX_SPAN_MS);
  w.fit(0, 50_000, 100_000);
  assert.equal([w.range(100_000), w.follow], [[0, 50_000], false]);
  w.fit(0, 100_000, 100_000);
  assert.is(w.follow, true);
  w.setFollow(false, 100_000);
  assert.equal(w.range(300_000), [0, 100_000]);
  w.setFollow(true, 300_000);
  assert.equal(w.range(300_000), [200_000, 300_000]);
  w.zoom(0.5, 300_000, 250_000);
  assert.equal([w.follow, w.range(300_000)], [true, [250_000, 300_000]], 'zooming while following keeps the present at the right edge');
});

test('ticks: round steps, at most the asked number, labels with the decimals the step needs', () => {
  const { step, at } = ticks(0, 60_000, 8);
  assert.is(step, 10_000);
  assert.equal(at, [0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
  assert.is(tickLabel(20_000, step), '20 s');
  const fine = ticks(1000, 1012, 6);
  assert.is(fine.step, 2);
  assert.is(tickLabel(1002, fine.step), '1.002 s');
  assert.is(tickLabel(72_500, 500), '72.5 s');
  assert.ok(ticks(0, 7_000_000, 8).at.length <= 8);
});

test.run();
