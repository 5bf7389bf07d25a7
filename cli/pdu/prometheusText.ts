/**
 * `/metrics` of `pistack pdu` in the Prometheus text exposition format (version 0.0.4): one
 * `# HELP` and `# TYPE` line per metric family, then its samples with `board` and `pi` labels.
 * Every figure is a gauge: counts the board keeps (errors, boots) can be cleared by the host.
 */
import type { BoardMetrics } from './boardMetrics.ts';

/** Content-Type of the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** What one scrape knows: boards read, boards that failed (with why), and the snapshot's age. */
export interface MetricsSnapshot {
  readonly boards: readonly BoardMetrics[];
  /** Boards that did not answer this read, with the reason (logged, exported as up 0). */
  readonly failed: ReadonlyArray<{ readonly id: number; readonly reason: string }>;
  /** Wall time the bus read took, s. */
  readonly readSeconds: number;
  /** Time since the bus read ended, s (0 for a read made for this scrape). */
  readonly ageSeconds: number;
}

type Labels = Record<string, string | number>;
type Sample = readonly [Labels, number | boolean | undefined];

interface Family {
  readonly name: string;
  readonly help: string;
  readonly samples: readonly Sample[];
}

/** A label value escaped as the format requires (backslash, double quote, newline). */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A sample value: integers as they are, others in shortest round-trip form; booleans as 1/0. */
function value(v: number | boolean): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return String(v);
}

function family(f: Family): string[] {
  const lines = [`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} gauge`];
  for (const [labels, v] of f.samples) {
    if (v === undefined) continue;
    const text = Object.entries(labels).map(([k, l]) => `${k}="${escapeLabel(String(l))}"`).join(',');
    lines.push(`${f.name}${text === '' ? '' : `{${text}}`} ${value(v)}`);
  }
  return lines;
}

/** Rendered bodies (all but the age) by snapshot: a scrape served from the snapshot again costs one string join, not a render. */
const RENDERED = new WeakMap<readonly BoardMetrics[], string>();

/** The whole /metrics body for a snapshot. */
export function metricsText(s: MetricsSnapshot): string {
  const age: Family = { name: 'pistack_readings_age_seconds', help: 'Time since the bus read behind these readings ended, s.', samples: [[{}, s.ageSeconds]] };
  let body = RENDERED.get(s.boards);
  if (body === undefined) RENDERED.set(s.boards, (body = render(s)));
  return `${body}${family(age).join('\n')}\n`;
}

function render(s: MetricsSnapshot): string {
  const perBoard = (pick: (b: BoardMetrics) => number | boolean | undefined): Sample[] => s.boards.map((b) => [{ board: b.id }, pick(b)]);
  const perPi = (pick: (p: BoardMetrics['pis'][number]) => number | boolean | undefined): Sample[] =>
    s.boards.flatMap((b) => b.pis.map((p): Sample => [{ board: b.id, pi: p.pi }, pick(p)]));
  const families: Family[] = [
    { name: 'pistack_board_up', help: 'Whether the board answered every read of this scrape (1) or not (0).', samples: [...s.boards.map((b): Sample => [{ board: b.id }, 1]), ...s.failed.map((f): Sample => [{ board: f.id }, 0])] },
    { name: 'pistack_input_volts', help: 'Input supply voltage of the board, V.', samples: perBoard((b) => b.input.volts) },
    { name: 'pistack_input_amps', help: 'Input supply current of the board, A.', samples: perBoard((b) => b.input.amps) },
    { name: 'pistack_input_watts', help: 'Input power of the board (GET_POWER, firmware v4.1), W.', samples: perBoard((b) => b.input.watts) },
    { name: 'pistack_rail_volts', help: 'Voltage of the 5 V rail that feeds both Pis, V.', samples: perBoard((b) => b.rail.volts) },
    { name: 'pistack_rail_watts', help: 'Power on the 5 V rail (GET_5V_POWER, firmware v4.1), W.', samples: perBoard((b) => b.rail.watts) },
    { name: 'pistack_error_count', help: 'Errors counted by the board (GET_ERROR_COUNT; the host can clear it).', samples: perBoard((b) => b.errorCount) },
    { name: 'pistack_boot_count', help: 'Boots of the board microcontroller (GET_BOOT_COUNT, firmware v4).', samples: perBoard((b) => b.bootCount) },
    { name: 'pistack_pi_powered', help: 'Whether the Pi power switch is on (1) or off (0).', samples: perPi((p) => p.powered) },
    { name: 'pistack_pi_heartbeat', help: 'Whether the Pi heartbeat is healthy (1) or missing (0).', samples: perPi((p) => p.heartbeat) },
    { name: 'pistack_pi_volts', help: 'Voltage at the Pi port, V.', samples: perPi((p) => p.volts) },
    { name: 'pistack_pi_amps', help: 'Current drawn by the Pi, A.', samples: perPi((p) => p.amps) },
    { name: 'pistack_pi_watts', help: 'Power drawn by the Pi (GET_PI_POWER, firmware v4.1), W.', samples: perPi((p) => p.watts) },
    { name: 'pistack_scrape_read_seconds', help: 'Wall time the bus read behind these readings took, s.', samples: [[{}, s.readSeconds]] },
  ];
  return `${families.flatMap(family).join('\n')}\n`;
}
