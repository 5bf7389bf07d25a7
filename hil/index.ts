/** hil: the Node side of the rig, talking to real boards over a serial adapter. */
export { CLOSED_BY_HOST, SerialTransport, openSerialTransport } from './SerialTransport.ts';
export type { SerialBinding, SerialTransportOptions } from './SerialTransport.ts';
export { realClock } from './realClock.ts';
export { PacedLink } from './PacedLink.ts';
export type { PacedLinkOptions, PacedLinkStats } from './PacedLink.ts';
export { RealTimeDriver } from './serve/RealTimeDriver.ts';
export type { DrivenClock, RealTimeDriverOptions } from './serve/RealTimeDriver.ts';
export { LOCK_FILE, STATE_FORMAT, STATE_VERSION, StateError, StateStore, stateFile } from './serve/StateStore.ts';
export type { BoardState, StateStoreOptions, TrackedBoard } from './serve/StateStore.ts';
export { BUSY_MESSAGE, ServeError, serve } from './serve/serve.ts';
export { OneClientServer } from './serve/OneClientServer.ts';
export type { OneClientServerOptions } from './serve/OneClientServer.ts';
export type { ServeEndpoint, ServeHandle, ServeOptions, ServeOutcome } from './serve/serve.ts';
