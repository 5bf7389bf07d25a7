/**
 * Reading the kernel's view of a held link's peer: /proc/net/tcp states and /proc/PID/fd
 * holders, on fake /proc trees (what each answer means is decided here, not on this machine's
 * traffic), plus one check against the real /proc with a real loopback connection.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tcpPeerClosed, ttyOpenedByOthers } from './peerGone.ts';
import { waitUntil } from './testing/hostSide.ts';

const root = mkdtempSync(join(tmpdir(), 'pistack-peergone-test-'));
let n = 0;
const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
/** A fake /proc with these /proc/net/tcp rows: [local port, remote port, state]. */
function fakeTcp(rows: Array<[number, number, string]>): string {
  const proc = join(root, `p${n++}`);
  mkdirSync(join(proc, 'net'), { recursive: true });
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
  writeFileSync(join(proc, 'net', 'tcp'), HEADER + rows.map(([l, r, st], i) => `   ${i}: 0100007F:${hex(l)} 0100007F:${hex(r)} ${st} 00000000:00000000 00:00000000 00000000 0 0 1 1\n`).join(''));
  return proc;
}

test('tcpPeerClosed: ESTABLISHED both ways is alive; CLOSE_WAIT on our side, FIN_WAIT1 on a local client\'s side or no row at all is gone', async () => {
  assert.is(await tcpPeerClosed(5000, 40000, fakeTcp([[5000, 40000, '01'], [40000, 5000, '01']])), false);
  assert.is(await tcpPeerClosed(5000, 40000, fakeTcp([[5000, 40000, '01']])), false, 'a remote client: only our row');
  assert.is(await tcpPeerClosed(5000, 40000, fakeTcp([[5000, 40000, '08']])), true, 'CLOSE_WAIT: its FIN is in');
  assert.is(await tcpPeerClosed(5000, 40000, fakeTcp([[5000, 40000, '01'], [40000, 5000, '04']])), true, 'FIN_WAIT1: it closed, its FIN stuck behind our zero window');
  assert.is(await tcpPeerClosed(5000, 40000, fakeTcp([[5000, 40001, '01']])), true, 'no row: reset and gone');
  assert.is(await tcpPeerClosed(5000, 40000, join(root, 'no-proc')), undefined, 'no /proc: unknown');
});

test('tcpPeerClosed on the real /proc: a loopback client is alive, then gone once it closes', async () => {
  let accepted: Socket | undefined;
  const server = createServer((s) => (accepted = s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const client = connect({ host: '127.0.0.1', port: (server.address() as { port: number }).port });
  await waitUntil(() => accepted !== undefined, 2000, 'the connection');
  const [local, remote] = [accepted!.localPort!, accepted!.remotePort!];
  assert.is(await tcpPeerClosed(local, remote), false);
  accepted!.pause();
  client.destroy();
  const deadline = performance.now() + 2000;
  while ((await tcpPeerClosed(local, remote)) !== true && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.is(await tcpPeerClosed(local, remote), true);
  accepted!.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

test('ttyOpenedByOthers: a holder other than the excepted PIDs counts; unreadable processes are skipped', async () => {
  const proc = join(root, `p${n++}`);
  const fd = (pid: number, num: number, target: string) => {
    mkdirSync(join(proc, String(pid), 'fd'), { recursive: true });
    symlinkSync(target, join(proc, String(pid), 'fd', String(num)));
  };
  fd(10, 3, '/dev/pts/7'); // socat
  fd(11, 0, '/dev/pts/8');
  mkdirSync(join(proc, '12')); // no fd directory we may read
  mkdirSync(join(proc, 'self'), { recursive: true });
  assert.is(await ttyOpenedByOthers('/dev/pts/7', new Set([10]), proc), false);
  fd(13, 5, '/dev/pts/7'); // a host opened it
  const known = new Set<number>();
  assert.is(await ttyOpenedByOthers('/dev/pts/7', new Set([10]), proc, known), true);
  assert.equal([...known], [13], 'the holder is remembered, to be checked first next time');
  rmSync(join(proc, '13'), { recursive: true }); // it exits
  assert.is(await ttyOpenedByOthers('/dev/pts/7', new Set([10]), proc, known), false);
  assert.equal([...known], [], 'and is forgotten');
  assert.is(await ttyOpenedByOthers('/dev/pts/7', new Set([10]), join(root, 'none')), undefined);
});

test.after(() => rmSync(root, { recursive: true, force: true }));

test.run();
