/** hil: the Node side of the rig, talking to real boards over a serial adapter. */
export { CLOSED_BY_HOST, LinkTransport } from './LinkTransport.ts';
export { SerialTransport, openSerialTransport } from './SerialTransport.ts';
export type { SerialBinding, SerialTransportOptions } from './SerialTransport.ts';
export { realClock } from './realClock.ts';
export { DEFAULT_FIFO_BYTES, PacedLink } from './PacedLink.ts';
export type { FlowControl, PacedLinkOptions, PacedLinkStats } from './PacedLink.ts';
export { DEFAULT_SPIN_MS, RealTimeDriver } from './serve/RealTimeDriver.ts';
export type { DrivenClock, RealTimeDriverOptions } from './serve/RealTimeDriver.ts';
export { LOCK_FILE, STATE_FORMAT, STATE_VERSION, StateError, StateStore, blockLengths, stateFile } from './serve/StateStore.ts';
export type { BoardState, StateStoreOptions, TrackedBoard } from './serve/StateStore.ts';
export { BUSY_MESSAGE, ServeError, serve } from './serve/serve.ts';
export { OneClientServer } from './serve/OneClientServer.ts';
export type { OneClientServerOptions } from './serve/OneClientServer.ts';
export type { ServeEndpoint, ServeHandle, ServeInputStats, ServeOptions, ServeOutcome } from './serve/serve.ts';
export { PORT_FORMS, SerialOpenError, formatPortSpec, openPort, parsePortSpec, simPort } from './ports.ts';
export type { HostPort, OpenPortOptions, PortSpec } from './ports.ts';
export {
  CLOSED_BY_SERVER, DEFAULT_CONNECT_TIMEOUT_MS, RESET_BY_SERVER, SERVER_BUSY, SERVER_REFUSAL_GRACE_MS, TcpConnectError, TcpServerBusyError, TcpTransport,
  openTcpTransport, serverRefusal, tcpUrl,
} from './TcpTransport.ts';
export type { TcpTransportOptions } from './TcpTransport.ts';
export { DEFAULT_NEGOTIATION_TIMEOUT_MS, Rfc2217Error, Rfc2217Transport, openRfc2217Transport, rfc2217Url } from './rfc2217/Rfc2217Transport.ts';
export type { Rfc2217TransportOptions } from './rfc2217/Rfc2217Transport.ts';
export { COM, CONTROL, PARITY, PI_STACK_LINE, PURGE, STOPSIZE, decodeCom, lineRequests } from './rfc2217/comPort.ts';
export type { ComMessage, LineSettings } from './rfc2217/comPort.ts';
export { ComPortServer } from './rfc2217/ComPortServer.ts';
export { OPTION, TELNET, TelnetDecoder, escapeIac, optionCommand, subnegotiation } from './rfc2217/telnet.ts';
export type { OptionVerb, TelnetEvent } from './rfc2217/telnet.ts';
export { TelnetOptions } from './rfc2217/TelnetOptions.ts';
export type { OptionPolicy, OptionSide, OptionState } from './rfc2217/TelnetOptions.ts';
export { RFC2217_SIGNATURE, Rfc2217ServerLink } from './serve/Rfc2217ServerLink.ts';
export { UDEV_MISSING, describePortInfo, findOnPath, listSerialPorts } from './listPorts.ts';
export type { ListPortsOptions, PortListing, SerialPortInfo } from './listPorts.ts';
export {
  SESSION_END_KINDS, SESSION_FORMAT, SESSION_VERSION, SessionFormatError,
  formatEndLine, formatEventLine, formatHeaderLine, formatSession, makeSessionHeader, parseSession,
} from './session/sessionFormat.ts';
export type { RecordedEvent, Session, SessionDirection, SessionEnd, SessionEndKind, SessionEvent, SessionHeader } from './session/sessionFormat.ts';
export { SessionRecorder, describeChunk, recordTransport } from './session/SessionRecorder.ts';
export type { RecordTransportOptions, SessionRecorderOptions } from './session/SessionRecorder.ts';
export { classifyReply, sessionExchanges } from './session/exchanges.ts';
export type { Exchange, ReplyOutcome } from './session/exchanges.ts';
export { ADC_COMMANDS, DEFAULT_TOLERANCE, POWER_COMMANDS, allowedDifference, bandFor, isAnalog, parseTolerance, replyTimeFor } from './session/tolerance.ts';
export type { Band, CommandTolerance, Tolerance } from './session/tolerance.ts';
export { compareOutcomes, describeOutcome, judgeExchange, replayExchanges, withUnits } from './session/replay.ts';
export type { ExchangeResult, FieldDiff, ReplayOptions, ReplayResult, ReplayTiming } from './session/replay.ts';
export { TapError, startTap } from './tap.ts';
export type { TapHandle, TapOptions, TapOutcome, TapStats } from './tap.ts';
export { BENCH_REPORT_FORMAT, runBench } from './bench/runBench.ts';
export type { BenchOptions, BenchProgress, BenchResult, BenchStatus, CleanupReport, StepResult } from './bench/runBench.ts';
export { PLANS_DIR, builtinPlanNames, loadPlan, planFromText } from './bench/loadPlan.ts';
export { PLAN_FORMAT, PLAN_VERSION, STEP_KINDS, parsePlan, planSchema } from './bench/planSchema.ts';
export type { Limits, Plan, PlanStep } from './bench/planSchema.ts';
export { reportStem, writeReports } from './bench/reports.ts';
export type { ReportPaths } from './bench/reports.ts';
export { characterize } from './characterize/characterize.ts';
export type { CharacterizeOptions, CharacterizeResult, Finding, Unobserved } from './characterize/characterize.ts';
export { conformSessions, profilePatch } from './conform/conform.ts';
export type { ConformOptions, ConformOutcome, ConformReport, SessionVerdict } from './conform/conform.ts';
export { loadRecording } from './conform/loadSession.ts';
export { ConformInputError, startingPoint } from './conform/startingPoint.ts';
export { replayOnModel } from './conform/modelReplay.ts';
export type { ModelReplayOptions, ModelSetup } from './conform/modelReplay.ts';
export { LOCK_DIR_ENV, PortBusyError, listHolders, lockDir, lockFileOf, lockPort, readHolder } from './portLock.ts';
export type { PortHolder } from './portLock.ts';
