/**
 * The GPIO wires between a board's power port and the Pi plugged into it (FIRMWARE.md
 * section 4). Plain objects, not machines: a wire has no behaviour of its own, it only
 * carries levels and tells both ends about edges. Listeners run synchronously.
 */

/** Who pulled the shutdown-signal line low. */
export type SignalDriver = 'board' | 'pi';

/**
 * The heartbeat line: driven by the Pi (push-pull), read by the board. Only rising edges
 * count as heartbeats, so a line stuck high is not a heartbeat.
 */
export class HeartbeatLine {
  private high = false;
  private readonly riseListeners = new Set<() => void>();
  private readonly changeListeners = new Set<(high: boolean) => void>();

  /** Current level: true = high. */
  get level(): boolean {
    return this.high;
  }

  /** Drive the line (the Pi side). A low-to-high change notifies rise listeners; any change, change listeners. */
  drive(high: boolean): void {
    if (high === this.high) return;
    this.high = high;
    if (high) for (const listener of this.riseListeners) listener();
    // Usually nobody watches both edges (a scope does): skip making an iterator per edge.
    if (this.changeListeners.size > 0) for (const listener of this.changeListeners) listener(high);
  }

  /** Subscribe to both edges (a scope draws the whole waveform); the argument is the new level. Returns an unsubscribe function. */
  onChange(listener: (high: boolean) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Subscribe to rising edges; returns an unsubscribe function. */
  onRise(listener: () => void): () => void {
    this.riseListeners.add(listener);
    return () => this.riseListeners.delete(listener);
  }
}

/**
 * The shutdown-signal line: open drain with a pull-up, wired between board and Pi. Either side
 * can pull it low and both see the same level. A falling edge reports which side caused it.
 */
export class SignalLine {
  private boardPulls = false;
  private piPulls = false;
  private readonly fallListeners = new Set<(by: SignalDriver) => void>();
  private readonly riseListeners = new Set<() => void>();

  /** Current level: true = high (released by both sides). */
  get level(): boolean {
    return !(this.boardPulls || this.piPulls);
  }

  /** True while the board side holds the line low. */
  get pulledByBoard(): boolean {
    return this.boardPulls;
  }

  /** True while the Pi side holds the line low. */
  get pulledByPi(): boolean {
    return this.piPulls;
  }

  /** Board side pulls the line low (true) or releases it (false). */
  boardPull(low: boolean): void {
    this.set('board', low);
  }

  /** Pi side pulls the line low (true) or releases it (false). */
  piPull(low: boolean): void {
    this.set('pi', low);
  }

  /** Subscribe to falling edges; the argument says which side caused the edge. */
  onFall(listener: (by: SignalDriver) => void): () => void {
    this.fallListeners.add(listener);
    return () => this.fallListeners.delete(listener);
  }

  /** Subscribe to rising edges (both sides released). */
  onRise(listener: () => void): () => void {
    this.riseListeners.add(listener);
    return () => this.riseListeners.delete(listener);
  }

  private set(side: SignalDriver, low: boolean): void {
    const before = this.level;
    if (side === 'board') this.boardPulls = low;
    else this.piPulls = low;
    const after = this.level;
    if (before && !after) for (const listener of this.fallListeners) listener(side);
    else if (!before && after) for (const listener of this.riseListeners) listener();
  }
}
