/**
 * Test helper (never shipped): a strict parser of the Prometheus text exposition format 0.0.4
 * (prometheus.io/docs/instrumenting/exposition_formats), so tests check /metrics against the
 * format rather than against our own printer. It throws, naming the line, on anything the
 * format forbids: a sample before its family's TYPE, a second HELP or TYPE, a family split in
 * two groups, a duplicate series, a bad metric or label name, a bad escape, a bad value, a
 * missing final newline.
 */

/** One parsed sample. */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly timestamp?: number;
}

/** One metric family: its HELP, TYPE and samples in order. */
export interface PromFamily {
  help?: string;
  type?: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  readonly samples: PromSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

function unescapeHelp(text: string, where: string): string {
  return text.replace(/\\(.?)/g, (_m, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    throw new Error(`${where}: bad escape "\\${c}" in HELP (only \\\\ and \\n)`);
  });
}

/** A float as Go's ParseFloat accepts it in the format: decimal, exponent, NaN, +Inf, -Inf. */
function parseValue(text: string, where: string): number {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`${where}: bad value "${text}"`);
  return Number(text);
}

function parseLabels(text: string, where: string): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1; // after "{"
  for (;;) {
    while (text[i] === ' ') i++;
    if (text[i] === '}') return { labels, rest: text.slice(i + 1) };
    const name = /^[^=\s]*/.exec(text.slice(i))![0];
    if (!LABEL_NAME.test(name)) throw new Error(`${where}: bad label name "${name}"`);
    if (name in labels) throw new Error(`${where}: label "${name}" given twice`);
    i += name.length;
    if (text[i] !== '=' || text[i + 1] !== '"') throw new Error(`${where}: label ${name} needs ="value"`);
    i += 2;
    let value = '';
    for (; ; i++) {
      const c = text[i];
      if (c === undefined) throw new Error(`${where}: unterminated label value`);
      if (c === '"') break;
      if (c === '\\') {
        const e = text[++i];
        if (e === '\\' || e === '"') value += e;
        else if (e === 'n') value += '\n';
        else throw new Error(`${where}: bad escape "\\${e ?? ''}" in a label value`);
      } else value += c;
    }
    labels[name] = value;
    i++;
    while (text[i] === ' ') i++;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new Error(`${where}: expected "," or "}" after label ${name}`);
  }
}

/** Parse a whole exposition; families by name, in order of first appearance. */
export function parsePrometheusText(text: string): Map<string, PromFamily> {
  if (text !== '' && !text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, PromFamily>();
  const series = new Set<string>();
  let current: string | undefined;
  const lines = text.split('\n').slice(0, -1);
  const enter = (name: string, where: string): PromFamily => {
    let family = families.get(name);
    if (family === undefined) families.set(name, (family = { samples: [] }));
    else if (current !== name) throw new Error(`${where}: metric ${name} appears in two separate groups`);
    current = name;
    return family;
  };
  lines.forEach((line, n) => {
    const where = `line ${n + 1}`;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (!m) return; // any other comment
      const [, kind, name, rest = ''] = m;
      if (!METRIC_NAME.test(name!)) throw new Error(`${where}: bad metric name "${name}"`);
      const family = enter(name!, where);
      if (kind === 'HELP') {
        if (family.help !== undefined) throw new Error(`${where}: second HELP for ${name}`);
        family.help = unescapeHelp(rest, where);
      } else {
        if (family.type !== undefined) throw new Error(`${where}: second TYPE for ${name}`);
        if (family.samples.length > 0) throw new Error(`${where}: TYPE for ${name} after its samples`);
        if (!TYPES.includes(rest.trim())) throw new Error(`${where}: unknown type "${rest}"`);
        family.type = rest.trim() as PromFamily['type'];
      }
      return;
    }
    const name = /^[^\s{]*/.exec(line)![0];
    if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name "${name}"`);
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, where));
    const fields = rest.trim().split(/\s+/);
    if (!/^\s/.test(rest) || fields.length < 1 || fields.length > 2 || fields[0] === '') throw new Error(`${where}: expected "name{labels} value [timestamp]"`);
    const value = parseValue(fields[0]!, where);
    const timestamp = fields[1] === undefined ? undefined : /^-?\d+$/.test(fields[1]) ? Number(fields[1]) : Number.NaN;
    if (Number.isNaN(timestamp)) throw new Error(`${where}: bad timestamp "${fields[1]}"`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (series.has(key)) throw new Error(`${where}: duplicate series ${name}${JSON.stringify(labels)}`);
    series.add(key);
    enter(name, where).samples.push({ name, labels, value, ...(timestamp === undefined ? {} : { timestamp }) });
  });
  return families;
}
