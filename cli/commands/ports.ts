/** `pistack ports`: the serial adapters present (path, manufacturer, serial number, USB IDs). */
import type { Command } from 'commander';
import { safeExcerpt } from '../../bus-protocol/safeText.ts';
import { listSerialPorts } from '../../hil/listPorts.ts';
import { CliError, printJson, printLines, withJson } from '../output.ts';

/** Register `ports` on the program. */
export function register(program: Command): void {
  const cmd = program.command('ports').description('list the serial adapters present, to pass as --port');
  withJson(cmd).action(async function (this: Command, options: { json?: boolean }) {
    const listing = await listSerialPorts();
    if (!listing.ok) throw new CliError(listing.message);
    if (options.json) {
      printJson(this, listing.ports);
      return;
    }
    if (listing.ports.length === 0) {
      printLines(this, ['no serial ports found (is the adapter plugged in? `dmesg | tail` shows what the kernel saw)']);
      return;
    }
    // the strings come from the USB device itself: shown as safe excerpts
    const rows = listing.ports.map((p) => [p.path, p.manufacturer ?? '-', p.serialNumber ?? '-', p.vendorId || p.productId ? `${p.vendorId ?? '?'}:${p.productId ?? '?'}` : '-'].map((cell) => safeExcerpt(cell)));
    const head = ['path', 'manufacturer', 'serial number', 'vendor:product'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
    printLines(this, [line(head), ...rows.map(line)]);
  });
}
