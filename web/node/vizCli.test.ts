/**
 * `pistack viz` and `pistack chart` options: bad --listen, --out with --listen, a missing
 * --out, bad files (exit 1 and a message naming the option); --out writes a page that works
 * offline and from file:// (classic scripts only, nothing fetched from elsewhere); chart
 * writes DOT and SVG with the state ids; and one real `bin/pistack.js viz` serving over HTTP
 * until SIGTERM.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from '../../cli/testing/runCli.ts';
import { openInBrowser, parseListen } from '../../cli/commands/viz.ts';
import { renderSvg, stripProlog } from './renderSvg.ts';
import { readStylesheet } from './buildPage.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-viz-cli-'));
const BIN = resolve(fileURLToPath(import.meta.url), '../../../bin/pistack.js');

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('--listen: HOST:PORT forms, and bad ones are exit 1 with a message naming the option', async () => {
  assert.equal(parseListen('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080 });
  assert.equal(parseListen(':0'), { host: '127.0.0.1', port: 0 });
  assert.equal(parseListen('9000'), { host: '127.0.0.1', port: 9000 });
  assert.equal(parseListen('[::1]:80'), { host: '::1', port: 80 });
  for (const [bad, why] of [['localhost', /has no port/], ['127.0.0.1:70000', /port must be 0\.\.65535/], ['a b:1', /invalid host/], ['', /has no port/]] as const) {
    const r = await cli('viz', '--listen', bad);
    assert.is(r.code, 1, bad);
    assert.match(r.err, /^error: "--listen" /, bad);
    assert.match(r.err, why, bad);
    assert.match(r.err, /expected HOST:PORT such as 127\.0\.0\.1:8080/, bad);
  }
});

test('viz: conflicting or missing options and bad files are exit 1', async () => {
  const both = await cli('viz', '--out', join(dir, 'x'), '--listen', ':0');
  assert.is(both.code, 1);
  assert.match(both.err, /"--out DIR" \(write static files\) or "--listen HOST:PORT" \(serve\), not both/);
  assert.not.ok(existsSync(join(dir, 'x')));
  const stack = await cli('viz', '--out', join(dir, 'y'), '--stack', join(dir, 'missing.json'));
  assert.is(stack.code, 1);
  assert.match(stack.err, /"--stack": cannot read .*missing\.json: no such file/);
  const seed = await cli('viz', '--out', join(dir, 'y'), '--seed', 'abc');
  assert.is(seed.code, 1);
  assert.match(seed.err, /"--seed" must be a number/);
  const taken = await new Promise<{ port: number; close: () => void }>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => done({ port: (s.address() as { port: number }).port, close: () => s.close() }));
  });
  const busy = await cli('viz', '--listen', `127.0.0.1:${taken.port}`);
  taken.close();
  assert.is(busy.code, 1);
  assert.match(busy.err, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${taken.port}: the port is in use`));
});

test('viz --out: static files with classic scripts only, no outside resources, the scenario as the first lesson', async () => {
  const out = join(dir, 'page');
  const r = await cli('viz', '--out', out, '--scenario', fileURLToPath(new URL('../../fixtures/scenarios/watchdog-cycle.json', import.meta.url)));
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /wrote 12 files to .*page: open .*index\.html/);
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  assert.match(html, /<script src="data\.js"><\/script>\s*<script src="app\.js"><\/script>/);
  assert.not.match(html, /type="module"|https?:\/\//);
  const app = readFileSync(join(out, 'app.js'), 'utf8');
  assert.not.match(app, /^\s*(import|export)\s/m, 'an IIFE: no module syntax');
  assert.not.match(app, /\bimport\(/);
  assert.not.match(readFileSync(join(out, 'style.css'), 'utf8'), /url\(|@import/);
  const data = readFileSync(join(out, 'data.js'), 'utf8');
  assert.match(data, /^window\.PISTACK_VIZ = \{/);
  const parsed = JSON.parse(data.slice('window.PISTACK_VIZ = '.length).replace(/;\s*$/, '')) as { startIsLesson: boolean; start: { name: string }; lessons: unknown[]; charts: Array<{ svg: string }> };
  assert.is(parsed.startIsLesson, true);
  assert.is(parsed.start.name, 'watchdog-cycle');
  assert.ok(parsed.lessons.length >= 20);
  assert.match(parsed.charts[0]!.svg.replace(/&#45;/g, '-'), /^<svg[\s\S]*id="st-powerPort-power-cycling"/);
  for (const f of ['powerPort', 'raspberryPi', 'regulator', 'boardMcu']) assert.ok(existsSync(join(out, 'charts', `${f}.svg`)), f);
});

test('viz --out never replaces page files without --overwrite (regression: an existing index.html was replaced); --out at a file is refused', async () => {
  const out = join(dir, 'mine');
  mkdirSync(out);
  writeFileSync(join(out, 'index.html'), 'my page');
  const refused = await cli('viz', '--out', out);
  assert.is(refused.code, 1);
  assert.is(refused.err, `error: "--out": ${join(out, 'index.html')} exists; pass --overwrite to replace it\n`);
  assert.is(readFileSync(join(out, 'index.html'), 'utf8'), 'my page');
  const other = join(dir, 'other');
  mkdirSync(other);
  writeFileSync(join(other, 'app.js'), 'my script');
  const partly = await cli('viz', '--out', other);
  assert.is(partly.code, 1);
  assert.match(partly.err, /"--out": .*app\.js exists; pass --overwrite to replace it/);
  assert.is(readdirSync(other).join(), 'app.js', 'nothing written');
  const replaced = await cli('viz', '--out', out, '--overwrite');
  assert.is(replaced.code, 0, replaced.err);
  assert.match(readFileSync(join(out, 'index.html'), 'utf8'), /^<!DOCTYPE html>/i);
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  assert.match((await cli('viz', '--out', file)).err, /^error: "--out": .*a-file is not a folder\n$/);
});

test('chart --out writes DOT and SVG for every machine; --out is required; --dot-only needs no Graphviz', async () => {
  const none = await cli('chart');
  assert.is(none.code, 1);
  assert.match(none.err, /say where to write the charts: "--out DIR"/);
  const r = await cli('chart', '--out', join(dir, 'charts'));
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /wrote 8 files/);
  const svg = readFileSync(join(dir, 'charts', 'powerPort.svg'), 'utf8').replace(/&#45;/g, '-'); // Graphviz escapes dashes
  assert.match(svg, /<g id="st-powerPort-power-on-alive" class="node">/);
  assert.match(svg, /<g id="tr-powerPort-power-cycling-2" class="edge">/);
  const dotOnly = await cli('chart', '--out', join(dir, 'dot-only'), '--dot-only');
  assert.is(dotOnly.code, 0, dotOnly.err);
  assert.match(dotOnly.out, /wrote 4 files/);
  assert.not.ok(existsSync(join(dir, 'dot-only', 'powerPort.svg')));
});

test('chart --out never replaces chart files without --overwrite (regression: it silently replaced them)', async () => {
  const out = join(dir, 'charts-again');
  assert.is((await cli('chart', '--out', out, '--dot-only')).code, 0);
  writeFileSync(join(out, 'powerPort.dot'), 'hand-edited');
  const refused = await cli('chart', '--out', out, '--dot-only');
  assert.is(refused.code, 1);
  assert.match(refused.err, /^error: "--out": .*powerPort\.dot exists; pass --overwrite to replace it\n$/);
  assert.is(readFileSync(join(out, 'powerPort.dot'), 'utf8'), 'hand-edited', 'the file is untouched');
  const replaced = await cli('chart', '--out', out, '--dot-only', '--overwrite');
  assert.is(replaced.code, 0, replaced.err);
  assert.match(readFileSync(join(out, 'powerPort.dot'), 'utf8'), /^digraph/);
});

test('renderSvg: a missing Graphviz is a clear error; the prolog is stripped', async () => {
  try {
    await renderSvg('digraph { a }', join(dir, 'no-such-dot'));
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /not found: install it \(Debian: apt-get install graphviz\)/);
  }
  try {
    await renderSvg('digraph {', 'dot');
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /Graphviz "dot" failed: .*syntax error/s);
  }
  assert.is(stripProlog('<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg a="1"></svg>\n'), '<svg a="1"></svg>');
});

test('--open: xdg-open is tried, and its absence is said plainly', async () => {
  const said = (opener: string) => new Promise<string>((done) => openInBrowser('http://127.0.0.1:1/', { out: done, err: done }, opener));
  assert.is(await said(join(dir, 'no-xdg-open')), `could not open a browser (${join(dir, 'no-xdg-open')} is not installed); open http://127.0.0.1:1/ yourself\n`);
  assert.is(await said('true'), 'opening http://127.0.0.1:1/ with true\n');
});

test('bin/pistack.js viz serves the page on 127.0.0.1 until SIGTERM', async () => {
  const child = spawn(process.execPath, [BIN, 'viz', '--listen', '127.0.0.1:0', '--stack', 'single'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  try {
    const url = await new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no URL within 15 s; out: ${out} err: ${err}`)), 15_000);
      child.stdout.on('data', () => {
        const m = /pistack viz: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) (clearTimeout(timer), done(m[1]!));
      });
      child.once('exit', () => (clearTimeout(timer), fail(new Error(`exited early: ${out} ${err}`))));
    });
    const index = await fetch(url);
    assert.is(index.status, 200);
    assert.match(index.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await index.text(), /<div id="app"/);
    const data = await (await fetch(`${url}data.js`)).text();
    assert.match(data, /"name":"single"/);
    assert.is((await fetch(`${url}app.js`, { method: 'HEAD' })).status, 200);
    assert.is((await fetch(`${url}nothing-here`)).status, 404);
    assert.is((await fetch(url, { method: 'POST' })).status, 405);
  } finally {
    child.kill('SIGTERM');
  }
  assert.is(await exited, 0);
  assert.match(out, /stopped \(SIGTERM\)/);
});


test('readStylesheet: style.css, then every sheet of styles/ in file-name order; no styles/ folder is fine', () => {
  const web = mkdtempSync(join(tmpdir(), 'pistack-styles-'));
  writeFileSync(join(web, 'style.css'), 'body{}');
  assert.is(readStylesheet(web), 'body{}');
  mkdirSync(join(web, 'styles'));
  writeFileSync(join(web, 'styles', 'b.css'), '.b{}');
  writeFileSync(join(web, 'styles', 'a.css'), '.a{}');
  writeFileSync(join(web, 'styles', 'notes.txt'), 'not a sheet');
  assert.is(readStylesheet(web), 'body{}\n/* styles/a.css */\n.a{}\n/* styles/b.css */\n.b{}');
  rmSync(web, { recursive: true });
});

test.run();
