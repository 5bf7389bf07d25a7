/**
 * A bench run as one self-contained HTML page a person can print and file with the board:
 * PASS/FAIL at the top, the board, serial, operator and time, then every check with each of
 * its measurements against its limits. Inline CSS only, no scripts, no external resources.
 */
import { formatLimits, formatValue } from './limits.ts';
import type { BenchResult, StepResult } from './runBench.ts';

/** Escape text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #111; }
h1 { margin: 0 0 .2em; font-size: 1.5em; }
.verdict { display: inline-block; padding: .2em .8em; border-radius: 4px; font-size: 2em; font-weight: bold; color: #fff; }
.PASS { background: #1a7f37; } .FAIL { background: #cf222e; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { border: 1px solid #bbb; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.passed, .pass { color: #1a7f37; font-weight: bold; } .failed, .fail, .error { color: #cf222e; font-weight: bold; }
.skipped, .none { color: #777; }
tr.step td { background: #f6f8fa; font-weight: bold; }
.notes { color: #555; font-size: .9em; }
@media print { body { margin: 1cm; } .verdict { -webkit-print-color-adjust: exact; print-color-adjust: exact; } tr { page-break-inside: avoid; } }
`;

function row(cells: string[], cls = ''): string {
  return `<tr${cls ? ` class="${cls}"` : ''}>${cells.join('')}</tr>`;
}

function td(text: string, cls = ''): string {
  return `<td${cls ? ` class="${cls}"` : ''}>${text}</td>`;
}

function stepRows(step: StepResult): string[] {
  const title = step.title ? ` <span class="notes">${escapeHtml(step.title)}</span>` : '';
  const rows = [row([td(String(step.index)), td(`${escapeHtml(step.name)}${title}`), td(''), td(''), td(''), td(step.status.toUpperCase(), step.status)], 'step')];
  for (const m of step.measurements) {
    rows.push(row([
      td(''),
      td(escapeHtml(m.name) + (m.detail ? `<div class="notes">${escapeHtml(m.detail)}</div>` : '')),
      td(escapeHtml(formatValue(m.value, m.unit)), 'num'),
      td(escapeHtml(formatLimits(m.limits, m.unit)), 'num'),
      td(escapeHtml(m.unit === 'count' ? '' : m.unit)),
      td(m.outcome === 'none' ? 'info' : m.outcome.toUpperCase(), m.outcome),
    ]));
  }
  const notes = [...(step.reason ? [`${step.status}: ${step.reason}`] : []), ...step.notes];
  if (notes.length > 0) rows.push(row([td(''), `<td colspan="5" class="notes">${notes.map(escapeHtml).join('<br>')}</td>`]));
  return rows;
}

/** The HTML report of a bench result. */
export function benchHtml(result: BenchResult): string {
  const b = result.board;
  const c = result.counts;
  const cleanup = result.cleanup;
  const facts: Array<[string, string]> = [
    ['Board ID', `${b.id} (0x${b.id.toString(16).toUpperCase().padStart(2, '0')})`],
    ['Serial', b.serial ?? '-'],
    ['Operator', result.operator ?? '-'],
    ['Started', result.startedAt],
    ['Status', result.status],
    ['Hardware / firmware', `${b.hardwareVersion ?? '?'} / ${b.firmwareVersion ?? '?'}`],
    ['Port', result.port],
    ['Manual steps by', result.fixture],
    ['Plan', `${result.plan.name} (${result.plan.source}), ${result.plan.steps} steps`],
    ['Checks', `${c.passed} passed, ${c.failed} failed, ${c.errors} errors, ${c.skipped} skipped`],
    ...(c.failed + c.errors > 0 ? ([['Not passed', result.steps.filter((s) => s.status === 'failed' || s.status === 'error').map((s) => s.name).join(', ')]] as Array<[string, string]>) : []),
    ['Duration', `${(result.boardMs / 1000).toFixed(1)} s on the board's clock, ${(result.wallMs / 1000).toFixed(1)} s wall time`],
    ['Left as', `${cleanup.poweredOff === true ? 'both ports off' : cleanup.poweredOff === false ? 'A PORT IS STILL POWERED' : 'power state unknown'}; ${cleanup.settingsRestored ? 'settings restored' : `SETTINGS NOT RESTORED: ${cleanup.pending.map((p) => `${p.setting} pi${p.pi} was ${p.original}`).join(', ')}`}`],
    ...(result.stoppedBy ? ([['Stopped', result.stoppedBy]] as Array<[string, string]>) : []),
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Bench test ${escapeHtml(result.verdict)}: board ${b.id}${b.serial ? ` ${escapeHtml(b.serial)}` : ''}</title>
<style>${CSS}</style>
</head>
<body>
<p><span class="verdict ${result.verdict}">${result.verdict}</span></p>
<h1>Pi Stack bench test: board ${b.id}${b.serial ? `, ${escapeHtml(b.serial)}` : ''}</h1>
<table>
${facts.map(([k, v]) => row([`<th>${escapeHtml(k)}</th>`, td(escapeHtml(v))])).join('\n')}
</table>
<table>
<tr><th>#</th><th>Check / measurement</th><th>Value</th><th>Limits</th><th>Unit</th><th>Result</th></tr>
${result.steps.flatMap(stepRows).join('\n')}
</table>
${cleanup.notes.length > 0 ? `<p class="notes">Clean-up: ${cleanup.notes.map(escapeHtml).join('; ')}</p>` : ''}
</body>
</html>
`;
}
