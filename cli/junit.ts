/**
 * JUnit XML for CI (`pistack replay --junit FILE`): one <testsuite> with a <testcase> per item,
 * failures carrying a message and the full text. The format is the de-facto one read by Jenkins,
 * GitLab and GitHub test reporters (testsuites > testsuite > testcase > failure | skipped).
 */
import junitModule, { type Builder } from 'junit-report-builder';

// A CommonJS package whose typings declare `export default`: at run time the default import is
// the builder itself (module.exports), which the NodeNext typings cannot express.
const junit = junitModule as unknown as Builder;

/** One test case; `failure`, `error` (it could not run to its end) or `skipped` when it did not pass. */
export interface JUnitCase {
  readonly name: string;
  readonly classname: string;
  /** Duration, seconds. */
  readonly timeSeconds: number;
  readonly failure?: { readonly message: string; readonly type: string; readonly text: string };
  readonly error?: { readonly message: string; readonly type: string; readonly text: string };
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

/** The suite as a complete JUnit XML document (junit-report-builder does the XML and escaping). */
export function junitXml(suite: JUnitSuite): string {
  const builder = junit.newBuilder();
  const ts = builder.testSuite().name(suite.name).timestamp(suite.timestamp).time(suite.timeSeconds);
  for (const [name, value] of Object.entries(suite.properties)) ts.property(name, value);
  for (const c of suite.cases) {
    const tc = ts.testCase().className(c.classname).name(c.name).time(c.timeSeconds);
    if (c.failure) tc.failure(c.failure.message, c.failure.type).stacktrace(c.failure.text);
    else if (c.error) tc.error(c.error.message, c.error.type, c.error.text);
    else if (c.skipped !== undefined) tc.skipped().standardOutput(c.skipped);
  }
  return builder.build();
}
