/**
 * `pistack viz`: the teaching page. Builds it (web/main.ts bundled by esbuild, the board model
 * running in the browser; statecharts drawn by Graphviz from the machine definitions; lessons
 * from fixtures/scenarios) and serves it on 127.0.0.1 until Ctrl-C or SIGTERM, or with
 * `--out DIR` writes it as static files that also work from file://.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { buildVizPage, writeVizPage, type VizPage } from '../../web/node/buildPage.ts';
import { GraphvizError } from '../../web/node/renderSvg.ts';
import { ListenError, serveVizPage } from '../../web/node/server.ts';
import { LOOPBACK_HOST, connectableHosts, isWildcardHost, parseListenAddress, urlOf, wildcardWarning, type ListenAddress } from '../listenAddress.ts';
import { CliError, ioOf, parseInteger, type Io } from '../output.ts';
import { checkOutputDir, refuseToReplace } from '../outputPaths.ts';
import { resolveScenario, type SimFileOptions } from '../simFiles.ts';

interface VizCliOptions extends SimFileOptions {
  seed?: string;
  listen?: string;
  open?: boolean;
  out?: string;
  overwrite?: boolean;
}

/** Default address: loopback only, so the page is not exposed to the network by accident. */
export const DEFAULT_VIZ_HOST = LOOPBACK_HOST;

/** Parse `--listen` text: HOST:PORT, [IPv6]:PORT, :PORT or PORT (host 127.0.0.1); port 0..65535 (0 = any free port). */
export function parseListen(text: string): ListenAddress {
  return parseListenAddress(text, '--listen', 8080);
}

/** Build the page for the options (stack, profile, scenario, seed resolved and checked first). */
export async function buildPage(options: VizCliOptions): Promise<VizPage> {
  const seed = options.seed === undefined ? undefined : parseInteger(options.seed, '--seed', { min: 0, max: 0xffffffff });
  const resolved = resolveScenario(options, 0);
  const start = seed === undefined ? resolved : { ...resolved, seed };
  try {
    return await buildVizPage({ start, startIsLesson: options.scenario !== undefined });
  } catch (e) {
    if (e instanceof GraphvizError) throw new CliError(e.message);
    throw new CliError(`building the page failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Try to open `target` in the desktop's browser (xdg-open); says so when that is not possible. */
export function openInBrowser(target: string, io: Io, opener = 'xdg-open'): void {
  const child = spawn(opener, [target], { detached: true, stdio: 'ignore' });
  child.once('error', (e: NodeJS.ErrnoException) => {
    const why = e.code === 'ENOENT' ? `${opener} is not installed` : e.message;
    io.out(`could not open a browser (${why}); open ${target} yourself\n`);
  });
  child.once('spawn', () => io.out(`opening ${target} with ${opener}\n`));
  child.unref();
}

/** Resolves with the signal name on the first SIGINT or SIGTERM; `off` removes the handlers. */
function signals(): { received: Promise<string>; off: () => void } {
  let handler!: (signal: NodeJS.Signals) => void;
  const received = new Promise<string>((done) => (handler = (signal) => done(signal)));
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return { received, off: () => (process.off('SIGINT', handler), process.off('SIGTERM', handler)) };
}

async function start(cmd: Command, options: VizCliOptions): Promise<void> {
  const io = ioOf(cmd);
  if (options.out !== undefined && options.listen !== undefined) throw new CliError('give "--out DIR" (write static files) or "--listen HOST:PORT" (serve), not both');
  if (options.out !== undefined && options.out.trim() === '') throw new CliError('"--out" needs a directory');
  const listen = options.listen === undefined ? { host: DEFAULT_VIZ_HOST, port: 0 } : parseListen(options.listen);
  if (options.out !== undefined) refuseToReplace(checkOutputDir(options.out, '--out'), ['index.html'], options.overwrite);
  const page = await buildPage(options);
  if (options.out !== undefined) {
    const dir = resolve(options.out);
    refuseToReplace(dir, page.keys(), options.overwrite);
    let written: string[];
    try {
      written = writeVizPage(page, dir);
    } catch (e) {
      throw new CliError(`"--out": cannot write ${dir}: ${(e as Error).message}`);
    }
    io.out(`wrote ${written.length} files to ${dir}: open ${resolve(dir, 'index.html')} in a browser, or serve the folder with any web server\n`);
    if (options.open) openInBrowser(resolve(dir, 'index.html'), io);
    return;
  }
  const sig = signals();
  let server;
  try {
    server = await serveVizPage(page, listen.host, listen.port);
  } catch (e) {
    sig.off();
    if (e instanceof ListenError) throw new CliError(e.message);
    throw e;
  }
  const reach = connectableHosts(listen.host);
  const url = isWildcardHost(listen.host) ? urlOf('http', reach.local, server.port, '/') : server.url;
  if (isWildcardHost(listen.host)) io.err(`warning: ${wildcardWarning('--listen', listen.host, 'open the page')}\n`);
  io.out(`pistack viz: ${url} (the stack runs in the page; Ctrl-C or SIGTERM stops the server)\n`);
  if (reach.others.length > 0) io.out(`from other machines: ${reach.others.map((h) => urlOf('http', h, server.port, '/')).join(', ')}\n`);
  if (options.open) openInBrowser(url, io);
  const signal = await sig.received;
  sig.off();
  await server.close();
  io.out(`stopped (${signal})\n`);
}

/** Register `viz` on the program. */
export function register(program: Command): void {
  program
    .command('viz')
    .description('teaching page: the stack live in a browser, with its statecharts lit, a bus monitor, a host panel, faults and lessons')
    .option('--stack <FILE>', 'stack description (JSON) or builtin name: default, single')
    .option('--profile <FILE>', 'firmware profile (JSON) or builtin name: v4-reference, v3')
    .option('--scenario <FILE>', 'scenario to run first, as a lesson (its steps, then its verdicts)')
    .option('--seed <N>', 'seed of every random stream (default: the scenario\'s, else 1)')
    .option('--listen <HOST:PORT>', `where to serve (default ${DEFAULT_VIZ_HOST}, any free port)`)
    .option('--open', 'open the page in the desktop browser (xdg-open)')
    .option('--out <DIR>', 'write the page as static files (index.html, app.js, data.js, style.css, charts/) instead of serving; existing files are not replaced (see --overwrite)')
    .option('--overwrite', 'with --out: replace the page files already in the folder')
    .action(async function (this: Command, options: VizCliOptions) {
      await start(this, options);
    });
}
