/**
 * `pistack scan --port P [--range 0-15]`: find the boards on a bus (GET_HW_VERSION to every ID,
 * then GET_SW_VERSION of each board found; `--no-firmware` skips that second question). A garbled answer is reported as corrupt, with the
 * hint that two boards may share a DIP setting, never as absent. The report is printed in full
 * either way; the exit code is 0 only for a clean bus: at least one board found, no corrupt
 * answer, every board answered both questions. Otherwise 1, with the reason on stderr.
 */
import type { Command } from 'commander';
import { scanFailed, type ScanResult } from '../../bus-protocol/scan.ts';
import { serverRefusal } from '../../hil/TcpTransport.ts';
import { CliError, parseInteger, plural, printJson, printLines, withJson } from '../output.ts';
import { runHost, withHostOptions, type HostOptions } from '../hostCommand.ts';
import { hexByte } from '../../bus-protocol/hex.ts';

interface ScanOptions extends HostOptions {
  range?: string;
  /** False with --no-firmware: discovery only, one question per ID. */
  firmware?: boolean;
}

/** Parse `--range`: `A-B`, `A..B` or one ID, decimal or 0x hex, within 0..254. */
export function parseRange(text: string): { from: number; to: number } {
  const parts = text.trim().split(/\s*(?:-|\.\.)\s*/);
  if (parts.length > 2 || parts.some((p) => p === '')) throw new CliError(`"--range" must be FROM-TO such as 0-15 (or one ID), got "${text}"`);
  const range = { min: 0, max: 0xfe, hint: '0xFF is the master address, never a board' };
  const from = parseInteger(parts[0]!, '--range', range);
  const to = parts.length === 2 ? parseInteger(parts[1]!, '--range', range) : from;
  if (to < from) throw new CliError(`"--range": ${to} is below ${from}; give the lower ID first, e.g. ${to}-${from}`);
  return { from, to };
}

function version(v: number | undefined, asked = true): string {
  if (!asked) return '-';
  return v === undefined ? '?' : `v${v}`;
}

/** The scan report as text lines; `firmwareAsked` false (--no-firmware) shows the firmware column as "-". */
export function scanLines(result: ScanResult, elapsed: string, firmwareAsked = true): string[] {
  const lines: string[] = [];
  if (result.found.length) {
    lines.push('   ID        hardware  firmware');
    for (const b of result.found) {
      lines.push(`  ${String(b.id).padStart(3)} ${hexByte(b.id)}  ${version(b.hardwareVersion).padEnd(9)} ${version(b.firmwareVersion, firmwareAsked)}${b.problems.length ? '  INCOMPLETE' : ''}`);
      for (const problem of b.problems) lines.push(`    ${problem}`);
    }
  } else {
    lines.push('no boards found');
  }
  for (const c of result.corrupt) lines.push(c.message, `    ${c.detail}`);
  lines.push(`${result.found.length} found, ${result.corrupt.length} corrupt, ${result.absent.length} absent in ${elapsed}`);
  return lines;
}

/** Why a scan is not a clean bill of health, in one line (see scanFailed); undefined when it is. */
export function scanVerdict(result: ScanResult, range: string): string | undefined {
  if (!scanFailed(result)) return undefined;
  const ids = (list: number[]) => list.join(', ');
  const parts: string[] = [];
  if (result.found.length === 0) parts.push(`no boards found on IDs ${range} (is the bus powered and wired, the range right?)`);
  const incomplete = result.found.filter((b) => b.problems.length > 0).map((b) => b.id);
  if (incomplete.length) parts.push(`${plural(incomplete.length, 'board')} answered only in part (ID ${ids(incomplete)})`);
  if (result.corrupt.length) parts.push(`${plural(result.corrupt.length, 'corrupt answer')} (ID ${ids(result.corrupt.map((c) => c.id))})`);
  return `scan: ${parts.join('; ')}`;
}

/** Register `scan` on the program. */
export function register(program: Command): void {
  const cmd = program
    .command('scan')
    .description('find the boards on the bus: ID, hardware and firmware version; corrupt answers and half-answering boards flagged (exit 1, as for an empty bus)')
    .option('--range <FROM-TO>', 'IDs to probe (default 0-15, one stack; 0-254 for the whole bus)', '0-15')
    .option('--no-firmware', 'discovery only: one question per ID (GET_HW_VERSION), no firmware versions; half the time of a full scan')
    .addHelpText('after', '\nExamples:\n  pistack scan --port /dev/ttyUSB0\n  pistack scan --port tcp://127.0.0.1:5000 --range 0-254 --json\n  pistack scan --port /dev/ttyUSB0 --no-firmware');
  withJson(withHostOptions(cmd)).action(async function (this: Command, options: ScanOptions) {
    const { from, to } = parseRange(options.range ?? '0-15');
    const firmware = options.firmware !== false;
    const started = performance.now();
    const { result, elapsedMs, virtual } = await runHost(options, async ({ client, now, port }) => {
      const t0 = now();
      const result = await client.scan({ from, to, firmware });
      if (result.found.length === 0) {
        const refused = await serverRefusal(port.transport); // a busy server, not an empty bus
        if (refused) throw refused;
      }
      return { result, elapsedMs: now() - t0, virtual: port.sim !== undefined };
    });
    const wallMs = performance.now() - started;
    const verdict = scanVerdict(result, `${from}..${to}`);
    if (options.json) {
      printJson(this, {
        port: options.port, from, to, firmwareAsked: firmware, found: result.found, corrupt: result.corrupt, absent: result.absent,
        counts: { found: result.found.length, corrupt: result.corrupt.length, absent: result.absent.length },
        elapsedMs: Math.round(elapsedMs * 10) / 10, clock: virtual ? 'virtual' : 'wall', ok: verdict === undefined,
      });
    } else {
      const elapsed = virtual ? `${(elapsedMs / 1000).toFixed(2)} s of virtual bus time (${(wallMs / 1000).toFixed(2)} s wall)` : `${(elapsedMs / 1000).toFixed(2)} s`;
      printLines(this, [`scan of IDs ${from}..${to} (${plural(to - from + 1, 'ID')}) on ${options.port}`, ...scanLines(result, elapsed, firmware)]);
    }
    if (verdict !== undefined) throw new CliError(verdict);
  });
}
