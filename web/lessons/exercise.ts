/**
 * Judging a lesson's exercise: the student's own commands ran on a fresh stack for the
 * exercise's duration; its expectations (the scenario format, checked by
 * board-model/sim/expectations.ts) give the verdicts, and each failed one is told in the plain
 * words of the lesson file. Pure.
 */
import type { ExpectationResult } from '../../board-model/sim/expectations.ts';
import { seconds } from './callout.ts';
import type { Exercise } from './lessonFile.ts';

/** Pass or fail, in plain words, with the technical account of each check. */
export interface ExerciseVerdict {
  readonly passed: boolean;
  /** The success text, or one plain sentence per failed check. */
  readonly reasons: readonly string[];
  /** "expected ..., happened ..." per check, for the curious. */
  readonly details: readonly string[];
}

/** Judge an exercise from its expectations' results (in the exercise scenario's order). */
export function judgeExercise(exercise: Exercise, results: readonly ExpectationResult[]): ExerciseVerdict {
  const failed = exercise.checks.filter((c) => results[c.index] !== undefined && !results[c.index]!.passed);
  const reasons = failed.map((c) => {
    const r = results[c.index]!;
    const at = r.times.length === 0 ? 'never' : r.times.map(seconds).join(', ');
    return c.why.replace(/\{count\}/g, String(r.count)).replace(/\{at\}/g, at);
  });
  const passed = results.every((r) => r.passed);
  if (!passed && reasons.length === 0) reasons.push('A check without plain words failed: see the details.');
  return { passed, reasons: passed ? [exercise.success] : reasons, details: results.map((r) => `${r.passed ? '✓' : '✗'} ${r.message}`) };
}
