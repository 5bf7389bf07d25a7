/**
 * One Pi Stack board, assembled: MCU, two power ports, the 5 V regulator, the Pis plugged in,
 * the wires between them, the ADC, the flash and the UART on the RS-485 bus. Its bus face is
 * bytes only; its control face (fault injection) is separate (STYLE.md rule 8).
 */
import type { Actor, InspectionEvent } from 'xstate';
import type { Clock, TimerHandle } from '../bus-protocol/clock.ts';
import type { Reading } from '../bus-protocol/conversions.ts';
import { Adc } from './Adc.ts';
import { createAtRest } from './atRest.ts';
import { boardMcuMachine, deliverFrame, MCU_START_VALUE, mcuContext } from './boardMcuMachine.ts';
import { boardProfile, portSettings, type BoardProfile } from './boardProfile.ts';
import { BoardReceiver } from './BoardReceiver.ts';
import type { FanoutMembership, ReceiverFanout } from './ReceiverFanout.ts';
import type { EventLog, SimEvent, SimEventType } from './events.ts';
import { Flash, type FlashImage } from './firmware/Flash.ts';
import { boardIdOf } from './firmware/dispatch.ts';
import { boardDefects, type BoardDefects } from './defects.ts';
import { PORT_START_VALUE, portContext, powerPortMachine, portHeartbeatHealthy, portPowered, portUnmovedBy, type PortSettings } from './powerPortMachine.ts';
import type { FirmwareProfile } from './profileSchema.ts';
import type { PiModel } from './piModelSchema.ts';
import type { Random } from './random.ts';
import { PI_START_VALUE, piContext, piCurrentA, piStateName, raspberryPiMachine } from './raspberryPiMachine.ts';
import { inputCurrentA, railVolts, regulatorContext, regulatorMachine, regulatorStartValue, type RegulatorSnapshot } from './regulatorMachine.ts';
import type { BusNode, Rs485Bus } from './Rs485Bus.ts';
import type { BoardSpec, PortSpec } from './stack.ts';
import { HeartbeatLine, SignalLine } from './wires.ts';

type PiActor = Actor<typeof raspberryPiMachine>;
type PortActor = Actor<typeof powerPortMachine>;

/** Both ports, for loops on hot paths (a literal there is a new array per call). */
const PORTS = [0, 1] as const;

/**
 * Memoise a pure function of an XState snapshot by the snapshot's identity (snapshots are
 * immutable: a change is a new object). The host polls values that rarely change, and
 * `matches()` builds state paths on every call.
 */
function bySnapshot<S extends object, R>(fn: (snapshot: S) => R): (snapshot: S) => R {
  let last: S | undefined;
  let value: R;
  return (snapshot) => {
    if (snapshot !== last) {
      value = fn(snapshot);
      last = snapshot;
    }
    return value;
  };
}

/** Everything a board needs from its stack. */
export interface BoardOptions {
  index: number;
  spec: BoardSpec;
  profile: FirmwareProfile;
  clock: Clock;
  bus: Rs485Bus;
  random: Random;
  events: EventLog;
  supplyVolts: number;
  /** Flash contents to start from (serve --state); default: factory-programmed defaults. */
  flash?: FlashImage;
  /** Hear the bus through this fan-out (shared by the stack's boards) rather than as a node of its own. */
  fanout?: ReceiverFanout;
  /** XState inspection callback given to every actor of the board (model coverage, live charts). */
  inspect?: InspectionHook;
}

/** An XState inspection callback (createActor's `inspect` option). */
export type InspectionHook = (event: InspectionEvent) => void;

/** Per-Pi accounting for summaries. */
export interface PiAccount {
  powerCycles: number;
  unsafePowerLosses: number;
  uptimeMs: number;
  energyWh: number;
}

export { piParams, portSettings } from './boardProfile.ts';

/** A simulated Pi Stack board. */
export class Board {
  readonly index: number;
  /** The inspection hook given to every actor of the board, if any. */
  private readonly inspect: InspectionHook | undefined;
  readonly profile: FirmwareProfile;
  readonly flash: Flash;
  readonly adc: Adc;
  readonly heartbeat: [HeartbeatLine, HeartbeatLine] = [new HeartbeatLine(), new HeartbeatLine()];
  readonly signal: [SignalLine, SignalLine] = [new SignalLine(), new SignalLine()];
  readonly mcu: Actor<typeof boardMcuMachine>;
  readonly ports: [PortActor, PortActor];
  readonly regulator: Actor<typeof regulatorMachine>;
  readonly pis: [PiActor | undefined, PiActor | undefined] = [undefined, undefined];
  /** The model plugged into each port (name and parameters), if any. */
  readonly models: [{ name: string; model: PiModel } | undefined, { name: string; model: PiModel } | undefined] = [undefined, undefined];
  /** The model last plugged into each port, kept after the Pi is removed (summaries count what happened there). */
  readonly lastModels: [string | undefined, string | undefined] = [undefined, undefined];
  readonly accounts: [PiAccount, PiAccount] = [
    { powerCycles: 0, unsafePowerLosses: 0, uptimeMs: 0, energyWh: 0 },
    { powerCycles: 0, unsafePowerLosses: 0, uptimeMs: 0, energyWh: 0 },
  ];
  readonly receiver: BoardReceiver;
  readonly node: BusNode;
  /** What this run saw: MCU boots, and errors the firmware logged and counted (from the MCU's events, not its counters). */
  readonly seen = { boots: 0, errorsLogged: 0 };
  private dipSetting: number;
  /** Manufacturing defects from the stack description (stuck switch, wrong scale, stuck DIP bit, ...). */
  private readonly defects: BoardDefects;
  private readonly fanoutMembership: FanoutMembership | undefined;
  private readonly clock: Clock;
  private readonly events: EventLog;
  private readonly jitter: Random;
  private readonly switchOn = [false, false];
  /**
   * Pi events caused by a port's load switch, held until the port's own events of that
   * transition are logged: XState delivers a port's emitted events at the end of its
   * macrostep, after the Pi already reacted to the switch, so without this the log would read
   * "power-lost" before the "watchdog-expired" and "power-off" that caused it.
   */
  private readonly heldPiEvents: [(() => void)[] | undefined, (() => void)[] | undefined] = [undefined, undefined];
  private readonly portV = [0, 0];
  private readonly powerW = [0, 0];
  private readonly runningSince: (number | undefined)[] = [undefined, undefined];
  /** Reply timers not yet fired (a handful at most: an array, not a Set, for the allocation churn). */
  private replies: TimerHandle[] = [];
  private supplyVolts: number;
  private outage = false;
  private lastLoad = 0;
  private energyAt: number;
  private refreshing = false;
  private dirty = false;
  private mcuPowered = false;
  /** What this board shares with every board of its profile (boardProfile.ts). */
  private readonly shared: BoardProfile;
  private readonly rail = bySnapshot(railVolts);
  private readonly regulatorInputA: (snapshot: RegulatorSnapshot) => number;
  private readonly piCurrent = [bySnapshot(piCurrentA), bySnapshot(piCurrentA)] as const;
  private readonly piState = [bySnapshot(piStateName), bySnapshot(piStateName)] as const;
  private readonly portOn = [bySnapshot(portPowered), bySnapshot(portPowered)] as const;
  private readonly portHealthy = [bySnapshot(portHeartbeatHealthy), bySnapshot(portHeartbeatHealthy)] as const;
  private readonly changeListeners = new Set<() => void>();
  /**
   * An inspected board sends reads to its MCU machine until the machine has taken one FRAME
   * while running: an inspector (model coverage, live charts) then has seen that transition,
   * and a later read would show it the same targetless step and the same snapshot again.
   */
  private readsToMachine: boolean;

  constructor(options: BoardOptions) {
    const { spec, profile, clock, bus, random } = options;
    this.inspect = options.inspect;
    this.readsToMachine = options.inspect !== undefined;
    this.index = options.index;
    this.profile = profile;
    this.clock = clock;
    this.events = options.events;
    this.dipSetting = spec.dip;
    this.supplyVolts = options.supplyVolts;
    this.energyAt = clock.now();
    this.jitter = random.fork('reply jitter');
    this.defects = boardDefects(spec.defects, random);
    for (const pi of [0, 1] as const) this.switchOn[pi] = this.defects.switchState(pi, false);
    this.shared = boardProfile(profile);
    this.regulatorInputA = bySnapshot((snapshot) => inputCurrentA(snapshot, profile.regulator.boardDrawA));
    this.flash = new Flash(random.fork('flash'));
    if (options.flash) this.flash.load(options.flash);
    else this.programFactoryDefaults(spec.prefix);
    this.adc = new Adc(
      { noiseCounts: profile.adc.noiseCounts, tolerance: profile.adc.tolerance, hardwareVersion: spec.hardwareVersion ?? profile.hardwareVersion },
      random.fork('adc'),
    );
    for (const d of this.defects.adc) this.adc.setDefect(d.reading, d.factor, d.pi);

    const regulatorInput = { params: this.defects.regulator({ ...profile.regulator }), inputVolts: this.supplyVolts };
    this.regulator = createAtRest(regulatorMachine, {
      inspect: options.inspect, clock, input: regulatorInput, start: regulatorStartValue(regulatorInput), context: regulatorContext,
    });
    const { behaviour, initialSettings } = this.shared;
    this.ports = ([0, 1] as const).map((pi) =>
      createAtRest(powerPortMachine, {
        inspect: options.inspect, clock, start: PORT_START_VALUE, context: portContext,
        input: {
          clock, settings: initialSettings, behaviour, heartbeat: this.heartbeat[pi], signal: this.signal[pi],
          setSwitch: (on: boolean) => this.setSwitch(pi, on),
        },
      }),
    ) as [PortActor, PortActor];
    const board = this;
    this.mcu = createAtRest(boardMcuMachine, {
      inspect: options.inspect, clock, start: MCU_START_VALUE, context: mcuContext,
      input: {
        // A stack may fit a board of another hardware revision than its profile's: it answers with its own.
        profile: spec.hardwareVersion === undefined ? profile : { ...profile, hardwareVersion: spec.hardwareVersion },
        io: {
          flash: this.flash,
          dip: () => board.dip,
          adc: (reading: Reading, pi?: 0 | 1) => board.readAdc(reading, pi ?? 0),
          powered: (pi) => board.portOn[pi](board.ports[pi].getSnapshot()),
          healthy: (pi) => board.portHealthy[pi](board.ports[pi].getSnapshot()),
          port: (pi, action) => (action === 'MCU_RESET' ? board.sendUnlessUnmoved(pi, { type: action }) : board.ports[pi].send({ type: action })),
          settings: (pi, config) => board.sendUnlessUnmoved(pi, { type: 'SETTINGS', settings: portSettings(config, profile) }),
          reply: (bytes, endAt) => board.scheduleReply(bytes, endAt),
          cancelReplies: () => board.cancelReplies(),
          powerLost: () => board.powerOutage(profile.mcu.tornWriteOutageMs),
          handled: ({ errorCode }) => {
            if (errorCode !== undefined && profile.bus.logErrorReplies && board.counted(errorCode)) board.seen.errorsLogged++;
          },
        },
      },
    });

    const name = `board ${this.index}`;
    // The fan-out routes whole frames by exact ID: a board matching masked IDs hears the bus itself.
    const fanout = profile.bus.addressMask === 0xff ? options.fanout : undefined;
    this.node = fanout ? bus.attach(name) : bus.attach(name, (delivery) => this.receiver.receive(delivery));
    const getId = (): number => (this.listening ? this.id : -1);
    this.receiver = new BoardReceiver({
      clock,
      getId,
      byteTimeMs: bus.byteTimeMs,
      gapByteTimes: profile.bus.interByteGapByteTimes,
      rxBufferBytes: profile.bus.rxBufferBytes,
      overflowDropsUntilGap: profile.bus.overflowDropsUntilGap,
      incomingUntil: (t) => this.node.incomingUntil(t),
      addressMask: profile.bus.addressMask,
      onFrame: (frame) => {
        if (deliverFrame(this.mcu, frame, this.readsToMachine)) this.readsToMachine = false;
      },
    });
    if (fanout) {
      const membership = fanout.join(this.receiver, name, getId);
      this.fanoutMembership = membership;
      // The ID depends only on the MCU's snapshot (state, RAM prefix) and the DIP setting.
      this.mcu.subscribe(() => membership.refreshId());
    }
    this.wireEvents();
    spec.pis.forEach((p, pi) => {
      if (p) this.insertPi(pi as 0 | 1, p);
    });
  }

  /** DIP switch setting now (0..15); a fault can change it (duplicate DIP, stuck bit). The MCU reads it at boot. */
  get dip(): number {
    return this.defects.dip(this.dipSetting);
  }

  set dip(value: number) {
    this.dipSetting = value;
    this.fanoutMembership?.refreshId();
  }

  /**
   * The board's current ID: config prefix and the DIP switch as the MCU read it at boot
   * (PROTOCOL.md section 4); while unpowered, the ID it will boot with.
   */
  get id(): number {
    const ram = this.mcu.getSnapshot().context.ram;
    // Read for every frame addressed to the board: builds no config object when RAM has one.
    return ram ? boardIdOf(ram.config, ram.dip) : boardIdOf({ prefix: this.storedPrefix, ports: this.shared.defaultPorts }, this.dip);
  }

  /** True while the MCU runs and listens to the bus. */
  get listening(): boolean {
    return this.mcu.getSnapshot().value === 'running';
  }

  /** Start every machine and power the MCU from the supply. */
  start(): void {
    this.regulator.start();
    for (const port of this.ports) port.start();
    for (const pi of this.pis) pi?.start();
    this.mcu.start();
    this.updateMcuPower();
    this.refresh();
  }

  /** Stop every machine and cancel pending replies (end of a run). */
  stop(): void {
    this.cancelReplies();
    this.mcu.stop();
    for (const pi of this.pis) pi?.stop();
    for (const port of this.ports) port.stop();
    this.regulator.stop();
    this.node.detach();
    this.fanoutMembership?.leave();
  }

  /** Set the input supply voltage (V), shared by the stack. */
  setSupply(volts: number): void {
    this.supplyVolts = volts;
    this.applyInput();
  }

  /** The board loses its input for `ms` (torn write, bench power cut). */
  powerOutage(ms: number): void {
    this.outage = true;
    this.applyInput();
    this.clock.setTimeout(() => {
      this.outage = false;
      this.applyInput();
    }, ms);
  }

  /** Plug a Pi into a port (replacing any); it boots at once if the port has power. */
  insertPi(pi: 0 | 1, spec: NonNullable<PortSpec>): void {
    this.removePi(pi);
    const model = this.profile.piModels[spec.model];
    if (!model) throw new Error(`board ${this.id}: unknown Pi model "${spec.model}"`);
    // Entering `unpowered` releases the Pi's side of both wires: a Pi may start at rest (atRest.ts) only where they are released.
    const atRest = !this.heartbeat[pi].level && !this.signal[pi].pulledByPi;
    const actor = createAtRest(raspberryPiMachine, {
      inspect: this.inspect, clock: this.clock, start: atRest ? PI_START_VALUE : undefined, context: piContext,
      input: {
        params: this.shared.piParams(spec.model)!, clock: this.clock, heartbeat: this.heartbeat[pi], signal: this.signal[pi],
        daemon: spec.daemon, selfShutdownLeavesHeartbeatHigh: spec.selfShutdownLeavesHeartbeatHigh ?? model.heartbeatStaysHighAfterSelfShutdown,
      },
    });
    this.pis[pi] = actor;
    this.models[pi] = { name: spec.model, model };
    this.lastModels[pi] = spec.model;
    actor.on('*', (e) => this.onPiEvent(pi, e));
    actor.subscribe(() => this.refresh());
    if (this.mcu.getSnapshot().status === 'active') {
      actor.start();
      // Tell the new Pi its port's voltage (-1: never told). 0 V, below its reset threshold, would change nothing in a new Pi but
      // its snapshot (volts 0 already): only an inspector is told, as it sees the transition.
      const unchanged = this.inspect === undefined && !this.switchOn[pi] && model.resetBelowV > 0;
      this.portV[pi] = unchanged ? 0 : -1;
      this.refresh();
    }
  }

  /** Unplug the Pi from a port (a running Pi loses power unsafely). */
  removePi(pi: 0 | 1): void {
    const actor = this.pis[pi];
    if (!actor) return;
    this.accountTime();
    // Out of the port first: the rail settling as the load drops must not power it again.
    this.pis[pi] = undefined;
    this.models[pi] = undefined;
    actor.send({ type: 'RAIL', volts: 0 });
    actor.stop();
    this.heartbeat[pi].drive(false);
    this.signal[pi].piPull(false);
    this.refresh();
  }

  /** Electrical values now: input V and A, rail V, per port V and A. */
  electrical(): { vin: number; cin: number; rail: number; portV: [number, number]; portA: [number, number] } {
    const supply = this.effectiveSupply;
    return {
      vin: supply,
      cin: this.mcuPowered ? this.regulatorInputA(this.regulator.getSnapshot()) : 0,
      rail: this.rail(this.regulator.getSnapshot()),
      portV: [this.portV[0]!, this.portV[1]!],
      portA: [this.portCurrent(0), this.portCurrent(1)],
    };
  }

  /** True while a port's load switch conducts (a stuck-switch defect included). */
  switchClosed(pi: 0 | 1): boolean {
    return this.switchOn[pi]!;
  }

  /**
   * Be told after every electrical update (load switch, rail, port volts and amps, input): the
   * values of electrical() and switchClosed() change only then. Read-only (a scope records from
   * it); returns an unsubscribe function.
   */
  onElectricalChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Accounting brought up to now (energy, uptime). */
  account(): [PiAccount, PiAccount] {
    this.accountTime();
    return this.accounts;
  }

  private get effectiveSupply(): number {
    return this.outage ? 0 : this.supplyVolts;
  }

  private get storedPrefix(): number {
    return this.flash.read('config')?.[0] ?? 0;
  }

  private programFactoryDefaults(prefix: number): void {
    this.flash.write('config', this.shared.factoryConfig(prefix));
    this.flash.write('errors', this.shared.factoryErrors);
    this.flash.writes.config = 0;
    this.flash.writes.errors = 0;
  }

  private applyInput(): void {
    this.regulator.send({ type: 'INPUT', volts: this.effectiveSupply });
    this.updateMcuPower();
    this.refresh();
  }

  private updateMcuPower(): void {
    const on = this.effectiveSupply >= this.profile.regulator.mcuBrownoutV;
    if (on === this.mcuPowered) return;
    this.mcuPowered = on;
    this.mcu.send({ type: on ? 'POWER_UP' : 'POWER_DOWN' });
    if (!on) this.emit('mcu-off', undefined, { volts: this.effectiveSupply });
  }

  /** One ADC channel: the value electrical() would give for it, without computing the others. */
  private readAdc(reading: Reading, pi: 0 | 1): number {
    let value: number;
    if (reading === 'vin') value = this.effectiveSupply;
    else if (reading === 'cin') value = this.mcuPowered ? this.regulatorInputA(this.regulator.getSnapshot()) : 0;
    else if (reading === 'rail5v') value = this.rail(this.regulator.getSnapshot());
    else if (reading === 'piV') value = this.portV[pi]!;
    else value = this.portCurrent(pi);
    return this.adc.read(reading, value, pi);
  }

  private portCurrent(pi: 0 | 1): number {
    const actor = this.pis[pi];
    return this.switchOn[pi] && actor && this.portV[pi]! > 0 ? this.piCurrent[pi](actor.getSnapshot()) : 0;
  }

  private setSwitch(pi: 0 | 1, on: boolean): void {
    this.heldPiEvents[pi] ??= []; // released by the port's snapshot listener (wireEvents), after its emitted events
    this.switchOn[pi] = this.defects.switchState(pi, on);
    this.refresh();
  }

  /** MCU_RESET or SETTINGS to a port, unless it would leave the port as it is and no inspector would see the transition (portUnmovedBy). */
  private sendUnlessUnmoved(pi: 0 | 1, event: { type: 'MCU_RESET' } | { type: 'SETTINGS'; settings: PortSettings }): void {
    const port = this.ports[pi];
    if (this.inspect === undefined && portUnmovedBy(port.getSnapshot(), event)) return;
    port.send(event);
  }

  private scheduleReply(bytes: Uint8Array, endAt: number): void {
    const bus = this.profile.bus;
    const delay = bus.replyDelayMs + (bus.replyJitterMs > 0 ? this.jitter.range(-bus.replyJitterMs, bus.replyJitterMs) : 0);
    const wait = Math.max(0, endAt + Math.max(0, delay) - this.clock.now());
    const handle = this.clock.setTimeout(() => {
      const replies = this.replies;
      const i = replies.indexOf(handle);
      if (i >= 0) {
        replies[i] = replies[replies.length - 1];
        replies.pop();
      }
      this.node.transmit(this.defects.transmitted(bytes));
    }, wait);
    this.replies.push(handle);
  }

  private cancelReplies(): void {
    const pending = this.replies;
    this.replies = [];
    for (const handle of pending) this.clock.clearTimeout(handle);
  }

  /** Electrical fixed point: load → regulator → rail → Pis, until nothing changes. */
  private refresh(): void {
    if (this.refreshing) {
      this.dirty = true;
      return;
    }
    this.refreshing = true;
    try {
      this.accountTime();
      for (let round = 0; round < 50; round++) {
        this.dirty = false;
        const load = this.portCurrent(0) + this.portCurrent(1);
        if (load !== this.lastLoad) {
          this.lastLoad = load;
          this.regulator.send({ type: 'LOAD', amps: load });
        }
        const rail = this.rail(this.regulator.getSnapshot());
        for (const pi of PORTS) {
          const volts = this.switchOn[pi] ? rail : 0;
          if (volts !== this.portV[pi]) {
            this.portV[pi] = volts;
            this.pis[pi]?.send({ type: 'RAIL', volts });
          }
        }
        if (!this.dirty) break;
      }
      for (const pi of PORTS) this.powerW[pi] = this.portV[pi]! * this.portCurrent(pi);
      this.trackRunning();
    } finally {
      this.refreshing = false;
    }
    if (this.changeListeners.size > 0) for (const listener of this.changeListeners) listener();
  }

  private accountTime(): void {
    const now = this.clock.now();
    const dt = now - this.energyAt;
    if (dt <= 0) return;
    this.energyAt = now;
    for (const pi of PORTS) {
      this.accounts[pi].energyWh += (this.powerW[pi]! * dt) / 3_600_000;
      const since = this.runningSince[pi];
      if (since !== undefined) {
        this.accounts[pi].uptimeMs += now - since;
        this.runningSince[pi] = now;
      }
    }
  }

  private trackRunning(): void {
    const now = this.clock.now();
    for (const pi of PORTS) {
      const snapshot = this.pis[pi]?.getSnapshot();
      const running = snapshot !== undefined && snapshot.status === 'active' && this.piState[pi](snapshot) === 'running';
      if (running && this.runningSince[pi] === undefined) this.runningSince[pi] = now;
      if (!running && this.runningSince[pi] !== undefined) {
        this.accounts[pi].uptimeMs += now - this.runningSince[pi]!;
        this.runningSince[pi] = undefined;
      }
    }
  }

  private emit(type: SimEventType, pi: 0 | 1 | undefined, details: Record<string, unknown> = {}): void {
    this.emitAt(this.clock.now(), type, pi, details);
  }

  private emitAt(t: number, type: SimEventType, pi: 0 | 1 | undefined, details: Record<string, unknown>): void {
    // Built in place (keys in the same order as spreads would give): logged for every event of every board.
    const event: SimEvent = { t, type, id: this.id };
    if (pi !== undefined) event.pi = pi;
    event['board'] = this.index;
    for (const key in details) event[key] = details[key];
    this.events.add(event);
  }

  private onPiEvent(pi: 0 | 1, e: { type: string; [k: string]: unknown }): void {
    const held = this.heldPiEvents[pi];
    if (held) {
      const t = this.clock.now();
      held.push(() => this.logPiEvent(pi, e, t));
      return;
    }
    this.logPiEvent(pi, e, this.clock.now());
  }

  private logPiEvent(pi: 0 | 1, e: { type: string; [k: string]: unknown }, t: number): void {
    const emit = (type: SimEventType, details: Record<string, unknown> = {}): void => this.emitAt(t, type, pi, details);
    switch (e.type) {
      case 'powered': return emit('pi-powered');
      case 'booted': return emit('pi-booted');
      case 'crashed': return emit('pi-crashed');
      case 'halted': return emit('pi-halted');
      case 'undervoltage': return emit('undervoltage', { volts: e.volts });
      case 'shutdown-started': return emit('shutdown-requested', { by: e.by });
      case 'power-lost':
        if (e.unsafe) {
          this.accounts[pi].unsafePowerLosses++;
          return emit('unsafe-power-loss', { from: e.from });
        }
        return emit('power-lost', { from: e.from });
    }
  }

  /** An error code the profile's log counts. */
  private counted(code: number): boolean {
    const log = this.profile.errorLog;
    return code >= log.minLoggedCode && code >= log.countedFrom;
  }

  private wireEvents(): void {
    this.ports.forEach((port, i) => {
      const pi = i as 0 | 1;
      let healthy = false;
      port.subscribe((snapshot) => {
        const now = portHeartbeatHealthy(snapshot);
        if (healthy && !now) this.emit('heartbeat-lost', pi);
        healthy = now;
        const held = this.heldPiEvents[pi];
        this.heldPiEvents[pi] = undefined;
        if (held) for (const log of held) log();
      });
      port.on('*', (e) => {
        const { type, ...details } = e as { type: string };
        if (type === 'power-cycle') this.accounts[pi].powerCycles++;
        if (type === 'shutdown-requested') return; // the Pi's own event says it
        this.emit(type as SimEventType, pi, details);
      });
    });
    this.regulator.on('*', (e) => {
      const { type, ...details } = e as { type: string };
      this.emit(type === 'recovered' ? 'regulator-recovered' : (type as SimEventType), undefined, details);
    });
    this.regulator.subscribe(() => this.refresh());
    this.mcu.on('*', (e) => {
      if (e.type === 'mcu-boot') this.seen.boots++;
      if ((e.type === 'config-restored' && this.counted(0x40)) || (e.type === 'errors-restored' && this.counted(0x41))) this.seen.errorsLogged++;
      const { type, ...details } = e as { type: string };
      this.emit(type as SimEventType, undefined, details);
    });
  }
}

