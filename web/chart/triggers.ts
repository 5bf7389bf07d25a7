/**
 * Which chart transitions the page can fire, and how: an event the host causes goes out as a
 * real command frame (PI_ON from "off" is a PI_ON request to the board), a fault through the
 * simulator's control surface (a Pi's CRASH is the "crash" fault). Transitions driven by wires,
 * timers or guards alone are never clickable. Enabled now = the source is active, the event is
 * one of these, and the actor would take it (`snapshot.can`). Pure and browser-safe.
 */
import type { CommandName } from '../../bus-protocol/commands.ts';
import type { FaultName } from '../../board-model/faults.ts';
import type { ChartKey } from './machines.ts';
import type { ChartTransition } from './statechart.ts';

/** How the page makes an event happen. */
export type Trigger =
  | { readonly kind: 'command'; readonly command: CommandName }
  | { readonly kind: 'fault'; readonly fault: FaultName };

const command = (c: CommandName): Trigger => ({ kind: 'command', command: c });
const fault = (f: FaultName): Trigger => ({ kind: 'fault', fault: f });

/** Events the page can cause, by chart. */
export const TRIGGERS: Record<ChartKey, Readonly<Record<string, Trigger>>> = {
  powerPort: { PI_ON: command('PI_ON'), PI_OFF: command('PI_OFF'), PI_FORCE_OFF: command('PI_FORCE_OFF'), SEND_SIG: command('SEND_SIG'), MCU_RESET: fault('mcu-reset') },
  raspberryPi: { CRASH: fault('crash'), REQUEST_SHUTDOWN: fault('pi-shutdown') },
  regulator: {},
  boardMcu: { RESET: fault('mcu-reset') },
};

/** A transition the page can fire now. */
export interface EnabledTransition {
  readonly transition: ChartTransition;
  readonly trigger: Trigger;
}

/** What firing does, in words: "send PI_ON to board 3 (Pi 0)", "inject crash on board #3 Pi 0". */
export function triggerText(trigger: Trigger, boardId: number, boardIndex: number, pi: 0 | 1): string {
  return trigger.kind === 'command'
    ? `send ${trigger.command} to board ${boardId} (Pi ${pi})`
    : `inject ${trigger.fault} on board #${boardIndex}${trigger.fault === 'mcu-reset' ? '' : ` Pi ${pi}`}`;
}

/**
 * Transitions enabled now: targeted (a state change to see), leaving an active state (XState
 * ids), caused by an event the page can send, and accepted by the actor (`can`, guards included).
 * One per event: the first in document order, as XState picks.
 */
export function enabledTransitions(key: ChartKey, transitions: readonly ChartTransition[], active: ReadonlySet<string>, can: (event: string) => boolean): EnabledTransition[] {
  const out: EnabledTransition[] = [];
  const seen = new Set<string>();
  const accepted = new Map<string, boolean>();
  for (const t of transitions) {
    const trigger = TRIGGERS[key][t.event];
    if (!trigger || t.targets.length === 0 || !active.has(t.source) || seen.has(t.event)) continue;
    let ok = accepted.get(t.event);
    if (ok === undefined) accepted.set(t.event, (ok = can(t.event)));
    if (!ok) continue;
    seen.add(t.event);
    out.push({ transition: t, trigger });
  }
  return out;
}
