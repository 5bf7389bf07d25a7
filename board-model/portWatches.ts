/**
 * What a power port watches on its wires (FIRMWARE.md section 4): the first heartbeat while
 * booting or missing, the Pi's shutdown request on the signal line while on, the heartbeat
 * watchdog while alive. Started and stopped by the port machine's entry and exit actions rather
 * than as invoked actors: a Pi powering on would otherwise create and stop three actors, the
 * larger part of what powering up a full bus costs. One set per port actor, in its context.
 */
import type { AnyActorRef } from 'xstate';
import { startHeartbeatWatchdog, type HeartbeatWatchdog } from './heartbeatWatchdog.ts';
import type { WireInput } from './powerPortMachine.ts';

/** The internal events the watches send to their port. */
export type WatchEvent = { type: 'HEARTBEAT' } | { type: 'PI_SIGNAL_FALL' } | { type: 'WATCHDOG_EXPIRED' };

/** One port's watches; each is at most running once, and all stop with the port actor. */
export class PortWatches {
  private beatWait: (() => void) | undefined;
  private signalWatch: (() => void) | undefined;
  private watchdog: HeartbeatWatchdog | undefined;
  private hooked = false;

  /** Booting or missing: send HEARTBEAT on the first rising edge of the heartbeat line. */
  waitForBeat(port: AnyActorRef, wires: WireInput): void {
    this.hook(port);
    this.beatWait?.();
    this.beatWait = wires.heartbeat.onRise(() => port.send({ type: 'HEARTBEAT' } satisfies WatchEvent));
  }

  /** Leaving booting or missing. */
  stopWaitingForBeat(): void {
    this.beatWait?.();
    this.beatWait = undefined;
  }

  /** On: send PI_SIGNAL_FALL when the Pi pulls its signal line low (the board's own falls are ignored). */
  watchPiSignal(port: AnyActorRef, wires: WireInput): void {
    this.hook(port);
    this.signalWatch?.();
    this.signalWatch = wires.signal.onFall((by) => {
      if (by === 'pi') port.send({ type: 'PI_SIGNAL_FALL' } satisfies WatchEvent);
    });
  }

  /** Leaving on. */
  unwatchPiSignal(): void {
    this.signalWatch?.();
    this.signalWatch = undefined;
  }

  /** Alive: run the heartbeat watchdog, which sends WATCHDOG_EXPIRED (heartbeatWatchdog.ts). */
  startWatchdog(port: AnyActorRef, wires: WireInput): void {
    this.hook(port);
    this.watchdog?.stop();
    this.watchdog = startHeartbeatWatchdog(wires, () => port.send({ type: 'WATCHDOG_EXPIRED' } satisfies WatchEvent));
  }

  /** SETTINGS changed HBT_TIME (ms) while alive. */
  setHbtTime(ms: number): void {
    this.watchdog?.setHbtTime(ms);
  }

  /** Leaving alive. */
  stopWatchdog(): void {
    this.watchdog?.stop();
    this.watchdog = undefined;
  }

  /** True while any watch runs (tests: a stopped port leaves none). */
  get active(): boolean {
    return this.beatWait !== undefined || this.signalWatch !== undefined || this.watchdog !== undefined;
  }

  /** XState runs no exit actions when an actor stops: stop every watch when the port actor completes. */
  private hook(port: AnyActorRef): void {
    if (this.hooked) return;
    this.hooked = true;
    port.subscribe({
      complete: () => {
        this.stopWaitingForBeat();
        this.unwatchPiSignal();
        this.stopWatchdog();
      },
    });
  }
}
