/**
 * The heartbeat watchdog of a power port in state on.alive (FIRMWARE.md section 4), started
 * and stopped by the port machine's entry and exit actions (portWatches.ts): heartbeats are not
 * machine events, and the watchdog keeps one clock timer, or none while its chain can be
 * computed (watchdogChain.ts).
 */
import type { TimerHandle } from '../bus-protocol/clock.ts';
import type { WireInput } from './powerPortMachine.ts';
import { PulseTrains } from './pulseTrains.ts';
import type { VirtualClock } from './VirtualClock.ts';
import { chainable, WatchdogChain } from './watchdogChain.ts';

/** A running watchdog: its HBT_TIME can change (ms; applies from the next heartbeat), and it stops. */
export interface HeartbeatWatchdog {
  /** SETTINGS changed HBT_TIME (ms; 0 disables): beats so far count with the old value. */
  setHbtTime(ms: number): void;
  /** Stop watching: no timer, no subscription left. */
  stop(): void;
}

/**
 * Alive: one clock timer at (or before) the newest deadline. A beat only moves the deadline;
 * when the timer fires early (a newer beat arrived) it re-arms for the remainder, else it
 * calls `expired`. So a Pi beating every 5.2 s costs one timer every HBT_TIME, not one per
 * beat. Only a deadline earlier than the armed timer (HBT_TIME shortened) re-arms at once.
 *
 * While armed with an unchanged HBT_TIME a beat does nothing but move the deadline, so the
 * watchdog lets the line skip its edges (a lazy pulse train, wires.ts) and reads the last
 * rise when its timer fires or HBT_TIME changes; otherwise it asks for every rise. On a lazy
 * line with HBT_TIME above the period it cannot expire: its timers are then computed, not
 * fired (watchdogChain.ts), until the line wakes or stops, or HBT_TIME changes.
 */
export function startHeartbeatWatchdog(input: WireInput, expired: () => void): HeartbeatWatchdog {
  const { clock, heartbeat } = input;
  const trains = PulseTrains.of(clock);
  let hbtTimeMs = input.hbtTimeMs;
  let deadline = Infinity;
  let timer: TimerHandle | undefined;
  let firesAt = Infinity;
  let lastBeatAt = Number.NEGATIVE_INFINITY;
  let shortened = false; // HBT_TIME shortened since the last beat: the next beat may re-arm earlier
  // While the line runs lazily and no expiry is possible, the timer chain is computed (watchdogChain.ts).
  let chain: WatchdogChain | undefined;
  let stopChainWatch: (() => void) | undefined;
  const disarm = (): void => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    firesAt = Infinity;
  };
  const dropChain = (): void => {
    stopChainWatch?.();
    stopChainWatch = undefined;
    if (chain !== undefined) trains!.remove(chain);
    chain = undefined;
  };
  const arm = (): void => {
    firesAt = deadline;
    timer = clock.setTimeout(fire, deadline - clock.now());
  };
  /** Re-arm as a computed chain instead, when the line is lazy and no beat can come late. */
  const armLazily = (): boolean => {
    if (trains === undefined || trains.eager || shortened) return false;
    const train = heartbeat.lazyTrain();
    if (train === undefined || !chainable(hbtTimeMs, train)) return false;
    const lazy = new WatchdogChain(train, hbtTimeMs, clock.now(), deadline, (at) => {
      stopChainWatch?.();
      stopChainWatch = undefined;
      chain = undefined;
      firesAt = at;
      timer = (clock as VirtualClock).setTimeoutAt(fire, at);
      catchUp(); // the deadline as the beats since would have set it (never before `at`)
    });
    chain = lazy;
    stopChainWatch = heartbeat.onLazyEnd(() => trains.wake(lazy));
    trains.add(lazy);
    return true;
  };
  const beatAt = (t: number): void => {
    lastBeatAt = t;
    shortened = false;
    if (hbtTimeMs <= 0) return;
    deadline = t + hbtTimeMs;
    if (deadline < firesAt) {
      disarm();
      arm();
    }
  };
  /** Beats the line had without calling us (it ran lazily): only the last one sets the deadline. */
  const catchUp = (): void => {
    const last = heartbeat.lastRiseAt;
    if (last !== undefined && last > lastBeatAt) beatAt(last);
  };
  const needEveryRise = (): boolean => hbtTimeMs > 0 && ((timer === undefined && chain === undefined) || shortened);
  const fire = (): void => {
    catchUp(); // while still armed: a beat caught up here never re-arms
    timer = undefined;
    firesAt = Infinity;
    if (deadline !== Infinity) {
      if (deadline <= clock.now()) expired();
      else if (!armLazily()) arm();
    }
    watch.everyRise(needEveryRise());
  };
  const beat = (): void => {
    beatAt(clock.now());
    watch.everyRise(needEveryRise());
  };
  beatAt(clock.now()); // entered on a heartbeat, so the first deadline counts from now
  const watch = heartbeat.watchRises(beat);
  watch.everyRise(needEveryRise());
  const setHbtTime = (ms: number): void => {
    if (chain !== undefined) trains!.wake(chain); // a real timer again, where the chain is
    catchUp(); // beats so far count with the old HBT_TIME
    if (ms < hbtTimeMs) shortened = true;
    hbtTimeMs = ms;
    if (hbtTimeMs <= 0) {
      deadline = Infinity; // the running deadline stands otherwise; the next beat uses the new time
      disarm();
    }
    watch.everyRise(needEveryRise());
  };
  const stop = (): void => {
    watch.stop();
    dropChain();
    disarm();
  };
  return { setHbtTime, stop };
}
