/**
 * Transitions left out of the coverage totals, each with the reason it cannot happen inside a
 * board (the machines are also unit-tested on their own, where these do happen). Keep it tiny.
 */

/** A transition key (as machineGraph names it) and why no board run can take it. */
export interface Exclusion {
  readonly transition: string;
  readonly why: string;
}

/** The exclusion list. */
export const EXCLUDED_TRANSITIONS: readonly Exclusion[] = [
  {
    transition: 'regulator.collapsed --after hiccupRetry[0]--> regulator.collapsed',
    why: 'while collapsed the rail is 0 V, so every Pi is unpowered and the board reports a load of 0 A at the retry; an overload is only '
      + 'seen again after the retry, from `regulating` (regulatorMachine.test.ts "hiccup mode" reaches this branch by sending LOAD directly)',
  },
];
