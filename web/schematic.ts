/**
 * What the schematic of one board shows, from its live readings: each wire's volts, amps and
 * how fast its current is drawn flowing, each part's state and hover text, and whether the
 * shared 5 V rail sags (one Pi's short pulling it down for both). Pure and browser-safe.
 */

/** The readings a schematic is drawn from (volts, amps, states in words). */
export interface SchematicInput {
  readonly vin: number;
  readonly cin: number;
  readonly rail: number;
  readonly portV: readonly [number, number];
  readonly portA: readonly [number, number];
  readonly switchOn: readonly [boolean, boolean];
  readonly regulator: string;
  readonly mcu: string;
  readonly pis: readonly [string, string];
  readonly heartbeat: readonly [boolean, boolean];
  /** Signal line high (released) per Pi. */
  readonly signal: readonly [boolean, boolean];
}

/** How a wire or part looks: normal, sagging (below its nominal range) or dead. */
export type Level = 'ok' | 'low' | 'off';

/** One wire of the drawing. */
export interface WireView {
  readonly id: string;
  readonly level: Level;
  /** Seconds for the flow pattern to travel one period; undefined when no current flows. */
  readonly flowS: number | undefined;
  /** Hover text: what the wire is and its live values. */
  readonly title: string;
}

/** One part of the drawing: its value line and hover text. */
export interface PartView {
  readonly id: string;
  readonly level: Level;
  readonly value: string;
  readonly title: string;
}

/** The 5 V rail below this sags visibly (V): a Pi browns out around 4.63 V. */
export const RAIL_LOW_V = 4.75;

/** Input below this is out of the nominal 12 V range (V). */
export const INPUT_LOW_V = 10.8;

/** Flow period (s) for a current: faster with more current, bounded so it stays visible; none under 1 mA. */
export function flowSeconds(amps: number): number | undefined {
  if (!(amps >= 0.001)) return undefined;
  return Math.min(4, Math.max(0.2, 0.8 / amps));
}

/** Level of a voltage against its nominal lower bound (off under 0.5 V). */
export function level(volts: number, low: number): Level {
  return volts < 0.5 ? 'off' : volts < low ? 'low' : 'ok';
}

const v = (x: number): string => `${x.toFixed(2)} V`;
const a = (x: number): string => `${x.toFixed(2)} A`;
const w = (x: number): string => `${x.toFixed(2)} W`;

/** Every wire and part of the board's schematic. */
export function schematicView(s: SchematicInput): { wires: WireView[]; parts: PartView[] } {
  const railA = s.portA[0] + s.portA[1];
  const railLevel = level(s.rail, RAIL_LOW_V);
  const anyOn = s.switchOn[0] || s.switchOn[1];
  const sag = railLevel === 'low' ? ' SAGGING: both Pis share this rail' : railLevel === 'off' && anyOn ? ' DOWN: both Pis share this rail' : '';
  const wires: WireView[] = [
    { id: 'w-in', level: level(s.vin, INPUT_LOW_V), flowS: flowSeconds(s.cin), title: `12 V input: ${v(s.vin)}, ${a(s.cin)}, ${w(s.vin * s.cin)}` },
    { id: 'w-rail', level: railLevel, flowS: flowSeconds(railA), title: `5 V rail: ${v(s.rail)}, ${a(railA)} to the Pis${sag}` },
  ];
  for (const pi of [0, 1] as const) {
    const volts = s.portV[pi];
    const amps = s.portA[pi];
    wires.push({ id: `w-port${pi}`, level: level(volts, RAIL_LOW_V), flowS: flowSeconds(amps), title: `Pi ${pi} supply: ${v(volts)}, ${a(amps)}, ${w(volts * amps)}` });
    wires.push({ id: `w-hbt${pi}`, level: s.heartbeat[pi] ? 'ok' : 'off', flowS: undefined, title: `Pi ${pi} heartbeat line: ${s.heartbeat[pi] ? 'high' : 'low'}` });
    wires.push({ id: `w-sig${pi}`, level: s.signal[pi] ? 'ok' : 'low', flowS: undefined, title: `Pi ${pi} shutdown signal: ${s.signal[pi] ? 'high (released)' : 'LOW (shutdown requested)'}` });
  }
  const parts: PartView[] = [
    { id: 'p-in', level: level(s.vin, INPUT_LOW_V), value: v(s.vin), title: `12 V supply (shared by the stack): ${v(s.vin)}, nominal 12 V` },
    { id: 'p-reg', level: railLevel, value: `${s.regulator}, ${v(s.rail)}`, title: `5 V regulator: ${s.regulator}; output ${v(s.rail)}, ${a(railA)}${sag}` },
    { id: 'p-mcu', level: s.mcu === 'running' ? 'ok' : 'off', value: s.mcu, title: `Board MCU: ${s.mcu}; it drives the load switches and the signal lines, watches the heartbeats` },
    { id: 'p-485', level: s.mcu === 'running' ? 'ok' : 'off', value: s.mcu === 'running' ? 'A/B bus' : 'silent', title: `RS-485 transceiver: the bus to the host (A/B pair); ${s.mcu === 'running' ? 'the MCU listens and replies' : 'silent while the MCU is not running'}` },
  ];
  for (const pi of [0, 1] as const) {
    parts.push({ id: `p-sw${pi}`, level: s.switchOn[pi] ? 'ok' : 'off', value: s.switchOn[pi] ? 'on' : 'off', title: `Pi ${pi} load switch: ${s.switchOn[pi] ? 'on' : 'off'}` });
    parts.push({ id: `p-pi${pi}`, level: level(s.portV[pi], RAIL_LOW_V), value: `${s.pis[pi]}, ${a(s.portA[pi])}`, title: `Pi ${pi}: ${s.pis[pi]}; ${v(s.portV[pi])}, ${a(s.portA[pi])}` });
  }
  return { wires, parts };
}
