/**
 * The event types a scenario's `expect` entries can count, as data: whether an event belongs
 * to one Pi (it then carries a board ID and a pi) or to a board (board ID only).
 * F = FIRMWARE.md, P = PROTOCOL.md.
 */

/** What an event is about: one Pi of a board, or a board (by the ID it was addressed as or answers to). */
export type EventScope = 'pi' | 'board';

/** One expectable event type. */
export interface EventSpec {
  readonly scope: EventScope;
  readonly summary: string;
}

/** Every expectable event type by name. */
export const EVENTS = {
  'power-on': { scope: 'pi', summary: "a port's load switch turned on (F4)" },
  'power-off': { scope: 'pi', summary: "a port's load switch turned off, for any reason (F4)" },
  'watchdog-expired': { scope: 'pi', summary: 'HBT_DELAY after power-on or HBT_TIME between heartbeats passed with no heartbeat (F4)' },
  'power-cycle': { scope: 'pi', summary: 'the board started a watchdog power cycle: off for cycleOffTimeMs, then on (F4)' },
  'shutdown-signal': { scope: 'pi', summary: 'the board pulsed the shutdown-signal line low (PI_OFF or SEND_SIG, F4)' },
  'pi-halted': { scope: 'pi', summary: 'the Pi finished shutting down and is halted (F6)' },
  'pi-booted': { scope: 'pi', summary: 'the Pi finished booting and is running (F6)' },
  'pi-crashed': { scope: 'pi', summary: 'the Pi crashed (an injected fault, F6)' },
  'unsafe-power-loss': { scope: 'pi', summary: 'power removed from a Pi that was booting, running or still shutting down (F6)' },
  undervoltage: { scope: 'pi', summary: 'the Pi flagged undervoltage: its rail fell below undervoltageFlagV (F6)' },
  'heartbeat-ok': { scope: 'pi', summary: 'GET_PI_HBT went from 0 to 1: a heartbeat arrived in time (F4)' },
  'heartbeat-lost': { scope: 'pi', summary: 'GET_PI_HBT went from 1 to 0: watchdog expiry or the port switched off (F4)' },
  brownout: { scope: 'board', summary: "the board's 5 V rail collapsed (current limit or input below uvloV): both Pis lose power (F5)" },
  'mcu-boot': { scope: 'board', summary: 'the board MCU booted (power-up, brown-out recovery or reset, F3)' },
  'config-restored': { scope: 'board', summary: 'the config block failed its CRC at boot and was reset to defaults, 0x40 (F2)' },
  'errors-restored': { scope: 'board', summary: 'the error block failed its CRC at boot and was reset, 0x41 (F2)' },
  'host-reply': { scope: 'board', summary: 'the host got a clean OK reply from that ID (P2)' },
  'host-error': { scope: 'board', summary: 'the host got an error reply, or a reply failing its CRC or checks, from that ID (P2, P8)' },
  'host-timeout': { scope: 'board', summary: 'the host got no complete reply from that ID in time (P8)' },
  collision: { scope: 'board', summary: 'two or more boards transmitted at once in answer to that ID (F7)' },
} as const satisfies Record<string, EventSpec>;

/** Name of an expectable event type. */
export type EventType = keyof typeof EVENTS;

/** All expectable event types, in the table's order. */
export const EVENT_TYPES = Object.keys(EVENTS) as EventType[];
