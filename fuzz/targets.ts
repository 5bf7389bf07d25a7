/** Every fuzz target, in the order `pistack fuzz` and the CI run them. */
import { modelTarget } from './model/modelTarget.ts';
import { errorLogTarget } from './properties/errorLogProperty.ts';
import { faultRecoveryTarget } from './properties/faultRecoveryProperty.ts';
import { parserTarget } from './properties/parserProperty.ts';
import { repliesTarget } from './properties/repliesProperty.ts';
import { shutdownTarget } from './properties/shutdownProperty.ts';
import { tornWriteTarget } from './properties/tornWriteProperty.ts';
import { watchdogTarget } from './properties/watchdogProperty.ts';
import type { FuzzTarget } from './target.ts';

/** The properties and the model-based test. */
export const TARGETS: readonly FuzzTarget[] = [parserTarget, repliesTarget, errorLogTarget, watchdogTarget, shutdownTarget, tornWriteTarget, faultRecoveryTarget, modelTarget];

/** A target by name, or undefined. */
export function targetByName(name: string): FuzzTarget | undefined {
  return TARGETS.find((t) => t.name === name);
}
