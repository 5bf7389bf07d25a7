/**
 * pistack-rig's public API (`import { StackClient, SimStack, openPort } from 'pistack-rig'`):
 * the bus-protocol client and frame codec, the simulated stack with its profiles, stacks and
 * scenarios, the port opener and transports, session files and replay. Everything else in the
 * package is internal and may change between versions.
 */

// The wire protocol (PROTOCOL.md): frames, codec, client, errors.
export {
  COMMANDS, COMMAND_NAMES, MASTER_ADDRESS, STATUS, crc8, decodeRequest, decodeResponse, describeErrorCode, encodeRequest, encodeOkResponse,
  encodeErrorResponse, fromHex, parseCommandName, rawToUnits, takesPi, toHex, unitOf,
  FrameParser, BusClient, StackClient, scanBus, DEFAULT_REPLY_TIMEOUT_MS, DEFAULT_RETRIES,
  ArgumentError, BoardError, CrcError, DisconnectedError, MalformedReplyError, NoReplyError, ReplyTimeoutError, CommandNotInFirmwareError,
} from './bus-protocol/index.ts';
export type {
  ByteTransport, Clock, CommandName, DecodeResult, RequestArgs, RequestFrame, ResponseFrame, ResponsePayload, StackClientOptions, ScanResult, FoundBoard,
} from './bus-protocol/index.ts';

// The simulated stack: boards, profiles, stacks, scenarios.
export {
  SimStack, StackControl, VirtualClock, BUILTIN_PROFILES, V3_PROFILE, V4_REFERENCE, parseProfile, profileFromText,
  BUILTIN_STACKS, DEFAULT_STACK, SINGLE_BOARD_STACK, parseStack, stackFromText, parseScenario, scenarioFromText, runScenario,
  ConfigError, formatDuration, parseDuration, FAULT_NAMES,
} from './board-model/index.ts';
export type { FirmwareProfile, Stack, Scenario, SimStackOptions, RunOptions, RunResult, SimEvent, FaultName } from './board-model/index.ts';

// Links to a bus: `--port` specs, serial, TCP, simulator.
// (from the modules themselves, not hil/index.ts: serialport's native addon loads only when a serial device is opened)
export { openPort, parsePortSpec, simPort, SerialOpenError } from './hil/ports.ts';
export type { HostPort, OpenPortOptions, PortSpec } from './hil/ports.ts';
export { openTcpTransport, TcpConnectError } from './hil/TcpTransport.ts';
export type { TcpTransportOptions } from './hil/TcpTransport.ts';
export { listSerialPorts } from './hil/listPorts.ts';
export type { PortListing, SerialPortInfo } from './hil/listPorts.ts';
export { realClock } from './hil/realClock.ts';

// Session files (docs/session-format.md): record, read, replay.
export { SessionRecorder, recordTransport } from './hil/session/SessionRecorder.ts';
export { parseSession, formatSession, SessionFormatError } from './hil/session/sessionFormat.ts';
export type { Session, SessionHeader, SessionEvent } from './hil/session/sessionFormat.ts';
export { sessionExchanges } from './hil/session/exchanges.ts';
export type { Exchange } from './hil/session/exchanges.ts';
export { replayExchanges } from './hil/session/replay.ts';
export type { ReplayOptions, ReplayResult } from './hil/session/replay.ts';
export { parseTolerance, DEFAULT_TOLERANCE } from './hil/session/tolerance.ts';
export type { Tolerance } from './hil/session/tolerance.ts';
