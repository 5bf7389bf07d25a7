/**
 * `pistack ports`: the serial adapters present (path, manufacturer, serial number, USB IDs) and
 * which are in use and by what (PID and command, from the port lock files, hil/portLock.ts);
 * ports held that the OS does not list (PTYs of `pistack serve`) follow the table.
 */
import type { Command } from 'commander';
import { safeExcerpt } from '../../bus-protocol/safeText.ts';
import { listSerialPorts } from '../../hil/listPorts.ts';
import { devicePath, listHolders, lockFileOf, readHolder, type PortHolder } from '../../hil/portLock.ts';
import { CliError, printJson, printLines, withJson } from '../output.ts';

/** "PID 1234 (node bin/pistack.js bench ...)" */
export function holderText(holder: PortHolder): string {
  return `PID ${holder.pid}${holder.command ? ` (${holder.command})` : ''}`;
}

/** Register `ports` on the program. */
export function register(program: Command): void {
  const cmd = program.command('ports').description('list the serial adapters present, to pass as --port, and which are in use by what');
  withJson(cmd).action(async function (this: Command, options: { json?: boolean }) {
    const listing = await listSerialPorts();
    if (!listing.ok) throw new CliError(listing.message);
    const listed = listing.ports.map((p) => ({ ...p, holder: readHolder(lockFileOf(p.path)) }));
    const shown = new Set(listing.ports.map((p) => devicePath(p.path)));
    const others = listHolders().filter((h) => !shown.has(h.device ?? h.file));
    const inUse = (h: PortHolder | undefined) => (h === undefined ? null : { pid: h.pid, command: h.command ?? null });
    if (options.json) {
      printJson(this, [
        ...listed.map(({ holder, ...p }) => ({ ...p, inUse: inUse(holder) })),
        ...others.map((h) => ({ path: h.device ?? h.file, inUse: inUse(h) })),
      ]);
      return;
    }
    const heldLines = others.map((h) => `in use, not listed above: ${safeExcerpt(h.device ?? h.file, 120)} by ${safeExcerpt(holderText(h), 160)}`);
    if (listing.ports.length === 0) {
      printLines(this, ['no serial ports found (is the adapter plugged in? `dmesg | tail` shows what the kernel saw)', ...heldLines]);
      return;
    }
    // the strings come from the USB device itself: shown as safe excerpts
    const rows = listed.map((p) =>
      [p.path, p.manufacturer ?? '-', p.serialNumber ?? '-', p.vendorId || p.productId ? `${p.vendorId ?? '?'}:${p.productId ?? '?'}` : '-', p.holder ? holderText(p.holder) : '-'].map((cell) => safeExcerpt(cell, 160)),
    );
    const head = ['path', 'manufacturer', 'serial number', 'vendor:product', 'in use by'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
    printLines(this, [line(head), ...rows.map(line), ...heldLines]);
  });
}
