/**
 * Listing serial adapters. Regression guard: where udev is missing, node-serialport's list()
 * kills the process with an uncaught `spawn udevadm ENOENT` (TOOLCHAIN.md); listSerialPorts must
 * answer with a message instead, also in a real process whose PATH has no udevadm.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UDEV_MISSING, describePortInfo, findOnPath, listSerialPorts } from './listPorts.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'pistack-list-'));
}

test('udevadm missing on Linux: a message naming the udev package, and the lister is never called', async () => {
  const empty = tempDir();
  let called = false;
  const listing = await listSerialPorts({
    platform: 'linux', searchPath: empty,
    list: async () => {
      called = true;
      return [];
    },
  });
  assert.equal(listing, { ok: false, message: UDEV_MISSING });
  assert.match(UDEV_MISSING, 'apt-get install udev');
  assert.match(UDEV_MISSING, '--port /dev/ttyUSB0');
  assert.not.ok(called);
  rmSync(empty, { recursive: true });
});

test('a real process whose PATH has no udevadm gets the message and exits normally', async () => {
  const bin = tempDir();
  symlinkSync(process.execPath, join(bin, 'node'));
  const script = "import { listSerialPorts } from './hil/listPorts.ts'; console.log(JSON.stringify(await listSerialPorts()));";
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    const child = execFile(join(bin, 'node'), ['--import', 'tsx', '--input-type=module', '-e', script], { env: { PATH: bin }, cwd: process.cwd() }, (_e, out) =>
      resolve({ code: child.exitCode, stdout: out }),
    );
  });
  rmSync(bin, { recursive: true });
  assert.is(code, 0);
  assert.equal(JSON.parse(stdout), { ok: false, message: UDEV_MISSING });
});

test('ports are listed sorted by path with empty fields dropped; udevadm is not needed off Linux', async () => {
  const listing = await listSerialPorts({
    platform: 'darwin',
    searchPath: '',
    list: async () => [
      { path: '/dev/ttyUSB10', manufacturer: 'FTDI', serialNumber: 'A10K1XYZ', vendorId: '0403', productId: '6001', pnpId: undefined, locationId: '' },
      { path: '/dev/ttyUSB2', manufacturer: undefined },
    ],
  });
  assert.equal(listing, {
    ok: true,
    ports: [
      { path: '/dev/ttyUSB2' },
      { path: '/dev/ttyUSB10', manufacturer: 'FTDI', serialNumber: 'A10K1XYZ', vendorId: '0403', productId: '6001' },
    ],
  });
  if (listing.ok) {
    assert.is(describePortInfo(listing.ports[1]!), '/dev/ttyUSB10  FTDI (0403:6001, serial A10K1XYZ)');
    assert.is(describePortInfo(listing.ports[0]!), '/dev/ttyUSB2');
  }
});

test('a failing lister becomes a message, not an exception', async () => {
  const withUdev = tempDir();
  writeFileSync(join(withUdev, 'udevadm'), '#!/bin/sh\n');
  chmodSync(join(withUdev, 'udevadm'), 0o755);
  const listing = await listSerialPorts({
    platform: 'linux', searchPath: withUdev,
    list: async () => {
      throw new Error('Error listing ports udevadm exited with error code: 1');
    },
  });
  assert.equal(listing, { ok: false, message: 'cannot list serial ports: Error listing ports udevadm exited with error code: 1' });
  rmSync(withUdev, { recursive: true });
});

test('findOnPath: executables only, directories and plain files skipped, empty entries ignored', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'a', 'udevadm'), { recursive: true }); // a directory named udevadm
  mkdirSync(join(dir, 'b'));
  writeFileSync(join(dir, 'b', 'udevadm'), 'not executable');
  chmodSync(join(dir, 'b', 'udevadm'), 0o644);
  mkdirSync(join(dir, 'c'));
  writeFileSync(join(dir, 'c', 'udevadm'), '#!/bin/sh\n');
  chmodSync(join(dir, 'c', 'udevadm'), 0o755);
  const path = ['', join(dir, 'a'), join(dir, 'b'), join(dir, 'c')].join(':');
  assert.is(findOnPath('udevadm', path), join(dir, 'c', 'udevadm'));
  assert.is(findOnPath('udevadm', join(dir, 'a')), undefined);
  assert.is(findOnPath('udevadm', undefined), undefined);
  rmSync(dir, { recursive: true });
});

test.run();
