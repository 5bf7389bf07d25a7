/**
 * The board contract through the real serialport bindings on a socat PTY pair: the host opens
 * one end with openPort (SerialTransport, platform binding, 9600 baud); `pistack serve --pty`
 * holds the other end with its own SerialTransport, bridged to the simulated stack in real time
 * and paced like a 9600-baud wire (a PTY itself does no pacing, TOOLCHAIN.md). The link lives in
 * a fresh temp dir; socat is killed by its PID when the suite closes the port.
 */
import { defineContractSuite } from './contractSuite.ts';
import { openServedPort } from '../testing/servedPort.ts';

defineContractSuite('PTY pair (socat) -> pistack serve (real time, paced 9600 baud)', () => openServedPort('pty'), { id: 9, replyTimeoutMs: 200 });
