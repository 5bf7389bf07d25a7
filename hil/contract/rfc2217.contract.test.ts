/**
 * The board contract over RFC 2217 on 127.0.0.1, both ways round: our rfc2217:// client
 * (Rfc2217Transport through openPort) to `pistack serve --rfc2217`, and to Debian's real ser2net
 * exporting a `pistack serve --pty` PTY (ser2net opens the PTY with real serial ioctls, started
 * by the test and stopped by its PID). Both run the stack in real time behind a 9600-baud paced
 * wire; every reply carries 0xFF, so IAC doubling is checked by every test. 500 ms reply
 * allowance: two more processes (ser2net, socat) on a loaded machine can stall a reply by hundreds of ms.
 */
import { defineContractSuite } from './contractSuite.ts';
import { openServedPort } from '../testing/servedPort.ts';

defineContractSuite('rfc2217://127.0.0.1 -> pistack serve --rfc2217 (real time, paced 9600 baud)', () => openServedPort('rfc2217'), { id: 4, replyTimeoutMs: 500 });
defineContractSuite('rfc2217://127.0.0.1 -> ser2net -> PTY -> pistack serve --pty', () => openServedPort('ser2net'), { id: 11, replyTimeoutMs: 500 });
