/**
 * Actors created at rest. XState computes a new actor's first snapshot by running its machine's
 * initial transition (context factory, state entry, eventless transitions): for a full bus,
 * 1,500 actors, a good part of what building the stack costs. The power port, Pi and MCU
 * machines start in a state whose value does not depend on their input and whose entry does
 * nothing to a new board (PORT_START_VALUE, PI_START_VALUE, MCU_START_VALUE), the regulator in
 * one its input decides silently (regulatorStartValue): such an actor can begin from that
 * snapshot directly, as XState restores a persisted one (createActor's `snapshot` option), and
 * behaves the same from then on. atRest.test.ts checks each against XState's own initial
 * snapshot. XState lists a restored parallel state's nodes in another order, which it reads
 * only to pick eventless transitions among the atomic ones, whose order is the same.
 *
 * An inspected actor (model coverage, live charts) is created the usual way: its inspector is
 * shown the initial transition, which a restored actor skips.
 */
import { createActor, type Actor, type AnyStateMachine, type ContextFrom, type InputFrom, type InspectionEvent, type StateValue } from 'xstate';
import type { Clock } from '../bus-protocol/clock.ts';

/** How to create one actor: its clock and input, its start state and context, and the inspection hook if any. */
export interface ActorRecipe<TMachine extends AnyStateMachine> {
  clock: Clock;
  input: InputFrom<TMachine>;
  /** The state value the machine's initial transition always lands in; undefined: create the actor as XState does. */
  start: StateValue | undefined;
  /** The context the machine's context factory makes from `input` (a fresh object per actor). */
  context: (input: InputFrom<TMachine>) => ContextFrom<TMachine>;
  inspect?: ((event: InspectionEvent) => void) | undefined;
}

/** An actor of `machine`, at rest in `recipe.start` unless it is inspected or has no start (then created as XState does). */
export function createAtRest<TMachine extends AnyStateMachine>(machine: TMachine, recipe: ActorRecipe<TMachine>): Actor<TMachine> {
  const { clock, input, inspect, start } = recipe;
  if (inspect) return createActor(machine, { clock, input, inspect });
  if (start === undefined) return createActor(machine, { clock, input });
  const snapshot = { status: 'active' as const, output: undefined, error: undefined, value: start, context: recipe.context(input), children: {}, historyValue: {} };
  return createActor(machine, { clock, input, snapshot });
}
