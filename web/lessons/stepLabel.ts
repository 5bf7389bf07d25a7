/** A scenario step in plain words for a lesson's timeline: "PI_ON to board 0 Pi 0", "crash on board 0 Pi 0". Pure. */
import type { ScenarioStep } from '../../board-model/scenarioSteps.ts';

/** The step's words, without its time. */
export function stepLabel(step: ScenarioStep): string {
  if (step.kind === 'host') {
    const { pi, ...rest } = step.args;
    const values = Object.values(rest);
    return `${step.command} to board ${step.id}${pi === undefined ? '' : ` Pi ${pi}`}${values.length === 0 ? '' : ` (${values.join(', ')})`}`;
  }
  const where = step.id === undefined ? 'the stack' : `board ${step.id}${step.pi === undefined ? '' : ` Pi ${step.pi}`}`;
  const value = step.value === undefined ? '' : ` (${typeof step.value === 'number' && step.fault === 'supply-volts' ? `${step.value} V` : String(step.value)})`;
  return `${step.fault} on ${where}${value}`;
}
