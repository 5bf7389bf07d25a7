/**
 * JUnit XML for CI (`pistack replay --junit FILE`): one <testsuite> with a <testcase> per item,
 * failures carrying a message and the full text. The format is the de-facto one read by Jenkins,
 * GitLab and GitHub test reporters (testsuites > testsuite > testcase > failure | skipped).
 * Written by hand: it is a few elements, and escaping is the only subtle part.
 */

/** One test case; `failure` or `skipped` when it did not pass. */
export interface JUnitCase {
  readonly name: string;
  readonly classname: string;
  /** Duration, seconds. */
  readonly timeSeconds: number;
  readonly failure?: { readonly message: string; readonly type: string; readonly text: string };
  readonly skipped?: string;
}

/** One suite of cases, with optional properties (key/value pairs shown by CI). */
export interface JUnitSuite {
  readonly name: string;
  readonly timestamp: Date;
  /** Duration, seconds. */
  readonly timeSeconds: number;
  readonly properties: Readonly<Record<string, string>>;
  readonly cases: readonly JUnitCase[];
}

/** Characters XML 1.0 cannot carry at all (control characters other than tab, LF, CR). */
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escape text for an XML attribute or element (invalid characters become U+FFFD). */
export function xmlEscape(text: string): string {
  return text
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function seconds(s: number): string {
  return Math.max(0, s).toFixed(3);
}

/** The suite as a complete JUnit XML document. */
export function junitXml(suite: JUnitSuite): string {
  const failures = suite.cases.filter((c) => c.failure).length;
  const skipped = suite.cases.filter((c) => c.skipped !== undefined && !c.failure).length;
  const counts = `tests="${suite.cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(suite.timeSeconds)}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(suite.name)}" ${counts}>`,
    `  <testsuite name="${xmlEscape(suite.name)}" ${counts} timestamp="${suite.timestamp.toISOString()}">`,
  ];
  const props = Object.entries(suite.properties);
  if (props.length) {
    lines.push('    <properties>');
    for (const [name, value] of props) lines.push(`      <property name="${xmlEscape(name)}" value="${xmlEscape(value)}"/>`);
    lines.push('    </properties>');
  }
  for (const c of suite.cases) {
    const open = `    <testcase name="${xmlEscape(c.name)}" classname="${xmlEscape(c.classname)}" time="${seconds(c.timeSeconds)}"`;
    if (c.failure) {
      lines.push(`${open}>`, `      <failure message="${xmlEscape(c.failure.message)}" type="${xmlEscape(c.failure.type)}">${xmlEscape(c.failure.text)}</failure>`, '    </testcase>');
    } else if (c.skipped !== undefined) {
      lines.push(`${open}>`, `      <skipped message="${xmlEscape(c.skipped)}"/>`, '    </testcase>');
    } else {
      lines.push(`${open}/>`);
    }
  }
  lines.push('  </testsuite>', '</testsuites>');
  return `${lines.join('\n')}\n`;
}
