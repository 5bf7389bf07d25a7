/** hil: the Node side of the rig, talking to real boards over a serial adapter. */
export { CLOSED_BY_HOST, SerialTransport, openSerialTransport } from './SerialTransport.ts';
export type { SerialBinding, SerialTransportOptions } from './SerialTransport.ts';
export { realClock } from './realClock.ts';
