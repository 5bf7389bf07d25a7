/**
 * Inline SVG charts of a batch summary (no scripts, no fonts to fetch, print as they are): a
 * histogram per measurement with its limit lines, a run chart in test order, and a failure Pareto.
 */
import { escapeHtml } from '../htmlReport.ts';

const W = 360;
const H = 150;
const PAD = { left: 44, right: 10, top: 10, bottom: 26 };
const LIMIT = 'stroke="#c0392b" stroke-width="1.5" stroke-dasharray="4 3"';

/** Shortest readable text of a number for an axis (4 significant digits). */
export function tick(value: number): string {
  return Number(value.toPrecision(4)).toString();
}

function frame(title: string, body: string, height = H): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-label="${escapeHtml(title)}">`
    + `<rect x="${PAD.left}" y="${PAD.top}" width="${W - PAD.left - PAD.right}" height="${height - PAD.top - PAD.bottom}" fill="none" stroke="#999"/>${body}</svg>`;
}

/** Value range to draw: the data and the limits, with 5 % margin (a flat range gets +-1). */
function span(values: readonly number[], low: number | null, high: number | null): [number, number] {
  const all = [...values, ...(low === null ? [] : [low]), ...(high === null ? [] : [high])];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (!(hi > lo)) [lo, hi] = [lo - 1, hi + 1];
  const margin = (hi - lo) * 0.05;
  return [lo - margin, hi + margin];
}

/** Histogram of `values` (sqrt(n) bins, 5..30) with dashed lines at the limits. */
export function histogramSvg(title: string, values: readonly number[], low: number | null, high: number | null): string {
  if (values.length === 0) return '<p class="none">no values</p>';
  const [lo, hi] = span(values, low, high);
  // Bins over the data (the axis also spans the limits, which may be far wider).
  const dataLo = Math.min(...values);
  const dataHi = Math.max(...values);
  const bins = dataHi > dataLo ? Math.min(30, Math.max(5, Math.ceil(Math.sqrt(values.length)))) : 1;
  const width = dataHi > dataLo ? (dataHi - dataLo) / bins : (hi - lo) / 40;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[bins === 1 ? 0 : Math.min(bins - 1, Math.floor((v - dataLo) / width))]!++;
  const top = Math.max(...counts);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (v: number) => PAD.left + ((v - lo) / (hi - lo)) * plotW;
  const start = bins === 1 ? dataLo - width / 2 : dataLo;
  const bars = counts.map((c, i) => {
    const h = (c / top) * plotH;
    const x0 = x(start + i * width);
    const w = Math.max(1, x(start + (i + 1) * width) - x0 - 0.5);
    return `<rect x="${x0.toFixed(1)}" y="${(PAD.top + plotH - h).toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="#5b8ec9"/>`;
  });
  const limits = [low, high].filter((l): l is number => l !== null).map((l) => `<line x1="${x(l).toFixed(1)}" x2="${x(l).toFixed(1)}" y1="${PAD.top}" y2="${H - PAD.bottom}" ${LIMIT}/>`);
  const axis = `<text x="${PAD.left}" y="${H - 8}" font-size="10">${tick(lo)}</text><text x="${W - PAD.right}" y="${H - 8}" font-size="10" text-anchor="end">${tick(hi)}</text>`
    + `<text x="${PAD.left - 4}" y="${PAD.top + 10}" font-size="10" text-anchor="end">${top}</text><text x="${PAD.left - 4}" y="${H - PAD.bottom}" font-size="10" text-anchor="end">0</text>`;
  return frame(title, bars.join('') + limits.join('') + axis);
}

/** Run chart: each value in test order (null gaps skipped), limit lines, failures in red. */
export function runChartSvg(title: string, values: ReadonlyArray<number | null>, low: number | null, high: number | null): string {
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return '<p class="none">no values</p>';
  const [lo, hi] = span(present, low, high);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (values.length === 1 ? plotW / 2 : (i / (values.length - 1)) * plotW);
  const y = (v: number) => PAD.top + plotH - ((v - lo) / (hi - lo)) * plotH;
  const points = values.flatMap((v, i) => (v === null ? [] : [{ i, v }]));
  const line = `<polyline fill="none" stroke="#5b8ec9" stroke-width="1" points="${points.map((p) => `${x(p.i).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ')}"/>`;
  const out = (v: number) => (low !== null && v < low) || (high !== null && v > high);
  const dots = points.map((p) => `<circle cx="${x(p.i).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="2" fill="${out(p.v) ? '#c0392b' : '#2c5d8f'}"/>`);
  const limits = [low, high].filter((l): l is number => l !== null).map((l) => `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(l).toFixed(1)}" y2="${y(l).toFixed(1)}" ${LIMIT}/>`);
  const axis = `<text x="${PAD.left - 4}" y="${PAD.top + 10}" font-size="10" text-anchor="end">${tick(hi)}</text><text x="${PAD.left - 4}" y="${H - PAD.bottom}" font-size="10" text-anchor="end">${tick(lo)}</text>`
    + `<text x="${PAD.left}" y="${H - 8}" font-size="10">1</text><text x="${W - PAD.right}" y="${H - 8}" font-size="10" text-anchor="end">${values.length} (test order)</text>`;
  return frame(title, limits.join('') + line + dots.join('') + axis);
}

/** Pareto of failures: bars by check, most first, and the cumulative share as a line. */
export function paretoSvg(bars: ReadonlyArray<{ check: string; failures: number; cumulative: number }>): string {
  if (bars.length === 0) return '<p class="none">no check failed</p>';
  const rowH = 16;
  const height = PAD.top + bars.length * rowH + PAD.bottom;
  const left = 170;
  const plotW = W - left - 70;
  const top = bars[0]!.failures;
  const rows = bars.map((b, i) => {
    const yy = PAD.top + i * rowH;
    const w = (b.failures / top) * plotW;
    return `<text x="${left - 4}" y="${yy + 11}" font-size="10" text-anchor="end">${escapeHtml(b.check.length > 30 ? `${b.check.slice(0, 29)}…` : b.check)}</text>`
      + `<rect x="${left}" y="${yy + 2}" width="${w.toFixed(1)}" height="${rowH - 4}" fill="#c0392b"/>`
      + `<text x="${(left + w + 3).toFixed(1)}" y="${yy + 11}" font-size="10">${b.failures} (${Math.round(b.cumulative * 100)} %)</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-label="failure Pareto">${rows.join('')}</svg>`;
}
