/** bus-protocol: the Pi Stack wire protocol (PROTOCOL.md). Browser-safe: no Node imports. */
export { crc8, crc8Bitwise, CRC8_MAXIM } from './crc8.ts';
export {
  COMMANDS, COMMAND_NAMES, CODE_TABLE, STATUS, RELEASE_ORDER,
  commandByCode, fieldSize, requestLen, responseLen, takesPi, inRelease, parseCommandName,
} from './commands.ts';
export type { CommandName, CommandEffect, FieldSpec, FirmwareRelease, WireType } from './commands.ts';
export type {
  ArgsParam, DecodeResult, FieldValue, InvalidReason, NoArgCommand, RequestArgs, RequestFrame, ResponseFrame, ResponsePayload,
} from './types.ts';
export {
  MASTER_ADDRESS, MIN_LEN, buildFrame, checkFraming, decodeRequest, decodeResponse, encodeErrorResponse, encodeOkResponse, encodeRequest,
} from './frame.ts';
export { FrameParser, BYTE_TIME_9600_MS } from './FrameParser.ts';
export type { DiscardReason, FrameParserOptions, ParserEvent, ParserStats } from './FrameParser.ts';
export { ERROR, ERROR_CODES, LAST_STATUS_CODE, describeErrorCode } from './errorCodes.ts';
export type { ErrorCodeName } from './errorCodes.ts';
export {
  ArgumentError, BoardError, CrcError, DisconnectedError, MalformedReplyError, NoReplyError, ReplyTimeoutError,
} from './errors.ts';
export type { ClientError } from './errors.ts';
export { HexParseError, fromHex, hexByte, toCompactHex, toHex } from './hex.ts';
export { ELLIPSIS, EXCERPT_CHARS, escapeChar, safeExcerpt, safeLines } from './safeText.ts';
export {
  ADC_FULL_SCALE, ADC_REF_V, fullScale, rawPowerProduct, rawPowerToWatts, rawToUnits, scaleFor, unitOf, unitsToRaw,
} from './conversions.ts';
export type { HardwareVersion, PowerReading, Reading } from './conversions.ts';
export type { Clock, TimerHandle } from './clock.ts';
export type { ByteTransport } from './transport.ts';
export { ADAPTER_LATENCY_MS, MAX_REPLY_BYTES, ReplyWaiter, looksLikeReply } from './ReplyWaiter.ts';
export type { ReplyWaitOptions, WaitResult } from './ReplyWaiter.ts';
export { BusClient, DEFAULT_REPLY_TIMEOUT_MS, DEFAULT_RETRIES } from './BusClient.ts';
export { DEFAULT_LONGEST_REPLY_DELAY_MS, INITIAL_REPLY_ALLOWANCE_MS, MAX_REPLY_ALLOWANCE_MS, ReplyTimer } from './ReplyTimer.ts';
export type { ReplyTimerOptions } from './ReplyTimer.ts';
export type { ClientStats, ExchangeError, RawOutcome, StackClientOptions, TrafficEvent } from './BusClient.ts';
export { StackClient } from './StackClient.ts';
export type { GuardedClientOptions, MeasureCommand, Measurement, PiIndex } from './StackClient.ts';
export { CommandNotInFirmwareError, FIRST_V4_VERSION, releaseOfVersion, versionHas } from './firmwareRelease.ts';
export { corruptMessage, scanBus, scanFailed } from './scan.ts';
export type { CorruptReply, FirmwareOutcome, FoundBoard, ProbeOutcome, ScanOptions, ScanProbes, ScanProgress, ScanResult } from './scan.ts';
