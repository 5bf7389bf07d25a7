/**
 * Listing serial adapters (for `pistack ports`), Node only. On Linux node-serialport lists ports
 * by running `udevadm info -e`; where udev is missing that spawn fails with an uncaught
 * `spawn udevadm ENOENT` that kills the process (TOOLCHAIN.md), so udevadm is looked up on PATH
 * first and every failure becomes a message instead of a crash.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** One serial port as the OS describes it; absent fields are unknown. */
export interface SerialPortInfo {
  /** Device path to pass as --port, e.g. /dev/ttyUSB0. */
  readonly path: string;
  readonly manufacturer?: string;
  readonly serialNumber?: string;
  /** USB vendor ID, hex (e.g. 0403 for FTDI). */
  readonly vendorId?: string;
  /** USB product ID, hex. */
  readonly productId?: string;
  readonly pnpId?: string;
  readonly locationId?: string;
}

/** The outcome of listing: the ports, or a message saying why they could not be listed. */
export type PortListing = { readonly ok: true; readonly ports: SerialPortInfo[] } | { readonly ok: false; readonly message: string };

/** What node-serialport's list() resolves to (fields may be undefined). */
type RawPortInfo = { path: string } & Partial<Record<Exclude<keyof SerialPortInfo, 'path'>, string | undefined>>;

/** Where to look; defaults are the real environment (tests override them). */
export interface ListPortsOptions {
  /** PATH to search for udevadm; default process.env.PATH. */
  searchPath?: string;
  /** Platform; default process.platform (udevadm is only needed on Linux). */
  platform?: NodeJS.Platform;
  /** The lister; default SerialPort.list from 'serialport'. */
  list?: () => Promise<RawPortInfo[]>;
}

/** Message when udevadm is missing on Linux. */
export const UDEV_MISSING =
  'cannot list serial ports: `udevadm` is not on PATH (install the Debian package "udev": sudo apt-get install udev). ' +
  'You can still name the adapter directly, e.g. --port /dev/ttyUSB0';

/** Full path of an executable `command` on `searchPath` (PATH syntax), or undefined. */
export function findOnPath(command: string, searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** serialport's own lister, its native addon loaded only now. */
async function defaultList(): Promise<RawPortInfo[]> {
  const { SerialPort } = await import('serialport');
  return SerialPort.list();
}

/** List the serial ports the OS knows, sorted by path; never throws. */
export async function listSerialPorts(options: ListPortsOptions = {}): Promise<PortListing> {
  const platform = options.platform ?? process.platform;
  if (platform === 'linux' && findOnPath('udevadm', options.searchPath ?? process.env['PATH']) === undefined) {
    return { ok: false, message: UDEV_MISSING };
  }
  try {
    const raw = await (options.list ?? defaultList)();
    const ports = raw.map(cleanInfo).sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
    return { ok: true, ports };
  } catch (error) {
    return { ok: false, message: `cannot list serial ports: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function cleanInfo(info: RawPortInfo): SerialPortInfo {
  const out: { -readonly [K in keyof SerialPortInfo]: SerialPortInfo[K] } = { path: info.path };
  for (const key of ['manufacturer', 'serialNumber', 'vendorId', 'productId', 'pnpId', 'locationId'] as const) {
    const value = info[key];
    if (typeof value === 'string' && value !== '') out[key] = value;
  }
  return out;
}

/** One line per port: `/dev/ttyUSB0  FTDI (0403:6001, serial A10K1XYZ)`. */
export function describePortInfo(port: SerialPortInfo): string {
  const details: string[] = [];
  if (port.vendorId !== undefined || port.productId !== undefined) details.push(`${port.vendorId ?? '?'}:${port.productId ?? '?'}`);
  if (port.serialNumber !== undefined) details.push(`serial ${port.serialNumber}`);
  const head = port.manufacturer === undefined ? port.path : `${port.path}  ${port.manufacturer}`;
  return details.length ? `${head} (${details.join(', ')})` : head;
}
