/**
 * From characterisation findings to a partial firmware profile over v4-reference (only measured
 * fields, plus `base`, loadable with `--profile`), and to the comparison table printed next to it:
 * field, measured, reference, same/different.
 */
import { PROFILE_FORMAT, PROFILE_VERSION, type FirmwareProfile } from '../../board-model/profileSchema.ts';
import { V4_REFERENCE, parseProfile } from '../../board-model/profiles.ts';
import type { CharacterizeResult, Finding } from './characterize.ts';

/** The value at a dotted path of an object (undefined when absent). */
export function valueAt(object: unknown, path: string): unknown {
  let node: unknown = object;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function setAt(object: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = object;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node = (next !== null && typeof next === 'object' ? next : (node[key] = {})) as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/** A profile value as shown in the table: error codes in hex, lists joined, ms with unit. */
export function showValue(field: string, value: unknown): string {
  if (value === undefined) return '-';
  if (typeof value === 'number' && (field.startsWith('bus.errorCodes.') || field === 'unknownReleaseCode' || field === 'defaults.prefix')) {
    return `0x${value.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (typeof value === 'number' && (field.startsWith('settingUnitMs.') || field.endsWith('Ms'))) return `${value} ms`;
  if (Array.isArray(value)) return value.length ? value.join(', ') : 'none';
  return String(value);
}

/** The partial profile of a characterisation: `base` v4-reference plus every settled finding. */
export function profileFrom(result: CharacterizeResult, name: string): Record<string, unknown> {
  const profile: Record<string, unknown> = {
    format: PROFILE_FORMAT, version: PROFILE_VERSION, base: V4_REFERENCE.name, name,
    description: `Measured by pistack characterize on board ${result.id} (${result.port}) at ${result.startedAt}; unmeasured fields are v4-reference's. "defaults" are the settings the board had then.`,
  };
  for (const f of result.findings) if (f.value !== undefined) setAt(profile, f.field, f.value);
  return profile;
}

/** Check that a written profile loads (it must: the simulator will be given it). */
export function checkProfile(profile: Record<string, unknown>, source: string): FirmwareProfile {
  return parseProfile(profile, source);
}

/** One row of the comparison. */
export interface ComparisonRow {
  readonly field: string;
  readonly measured: string;
  readonly reference: string;
  readonly verdict: 'same' | 'different' | 'not settled';
}

/** Compare each finding with v4-reference. */
export function compare(findings: readonly Finding[]): ComparisonRow[] {
  return findings.map((f) => {
    const reference = valueAt(V4_REFERENCE, f.field);
    const verdict = f.value === undefined ? 'not settled' : JSON.stringify(f.value) === JSON.stringify(reference) ? 'same' : 'different';
    return { field: f.field, measured: f.value === undefined ? f.measured : showValue(f.field, f.value), reference: showValue(f.field, reference), verdict };
  });
}

/** Rows as an aligned text table with a header. */
export function tableLines(rows: readonly ComparisonRow[]): string[] {
  const head: ComparisonRow = { field: 'field', measured: 'measured', reference: 'v4-reference', verdict: 'same/different' as 'same' };
  const all = [head, ...rows];
  const w = (k: keyof ComparisonRow) => Math.min(48, Math.max(...all.map((r) => r[k].length)));
  const cell = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 3)}...` : text.padEnd(width));
  const line = (r: ComparisonRow) => `${cell(r.field, w('field'))}  ${cell(r.measured, w('measured'))}  ${cell(r.reference, w('reference'))}  ${r.verdict}`;
  return [line(head), line({ field: '-'.repeat(w('field')), measured: '-'.repeat(w('measured')), reference: '-'.repeat(w('reference')), verdict: '-'.repeat(14) as 'same' }), ...rows.map(line)];
}
