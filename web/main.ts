/// <reference lib="dom" />
/**
 * Entry of the `pistack viz` page (bundled by esbuild into one classic script): reads the data
 * the build wrote (data.js), builds the page and starts virtual time. `window.pistackViz` lets
 * tests and the benchmark drive it deterministically (advance virtual time, read the clock).
 */
import { App } from './App.ts';
import type { CommandName } from '../bus-protocol/commands.ts';
import type { Speed } from './TimeDriver.ts';
import { describeInput } from './rewind/inputs.ts';
import { VIZ_DATA_GLOBAL, type VizData } from './vizData.ts';

/** What `window.pistackViz` offers (tests, benchmark, the curious in the console). */
export interface VizHook {
  /** Wall time from navigation start until the page first rendered (ms). */
  readonly loadMs: number;
  /** Virtual time now (ms). */
  now(): number;
  /** Advance virtual time by `ms` (as the step buttons do); resolves with the new time (ms) once every panel shows it. */
  advance(ms: number): Promise<number>;
  pause(): void;
  run(speed?: Speed): void;
  /** Animation frames the page has seen. */
  frames(): number;
  /** Send a command from the host (recorded as the student's input, as the host panel does) and resolve when it is answered (or not), every panel drawn: "reply" or the failure. */
  send(command: CommandName, id: number, args?: Record<string, number>): Promise<string>;
  /** Boards in the current stack. */
  boards(): number;
  /** Rewind (or go forward) to virtual time `ms` by replaying the session; resolves once shown. */
  rewind(ms: number): Promise<void>;
  /** Undo the last input at or before now; resolves once shown. */
  undo(): Promise<void>;
  /** The recorded inputs, one line each. */
  inputs(): string[];
  /** The link to this moment (URL with the state fragment). */
  link(): string;
  /** The session exported as a scenario file's text. */
  scenario(): string;
  /** The session's events (time, type, board ID, Pi), oldest first. */
  events(): Array<{ t: number; type: string; id?: number; pi?: number }>;
  /** Selected board index and Pi. */
  selection(): { board: number; pi: 0 | 1 };
  /** Speed and pause state. */
  timeState(): { speed: Speed; paused: boolean };
}

declare global {
  interface Window {
    pistackViz?: VizHook;
    [VIZ_DATA_GLOBAL]?: VizData;
  }
}

function start(): void {
  const root = document.getElementById('app');
  const data = window[VIZ_DATA_GLOBAL];
  if (!root) return;
  if (!data) {
    root.textContent = 'data.js did not load: rebuild the page with `pistack viz --out DIR`.';
    return;
  }
  const app = new App(root, data);
  app.driver.start();
  requestAnimationFrame(() => void app.restored.finally(() => {
    root.removeAttribute('aria-busy');
    window.pistackViz = {
      loadMs: performance.now(),
      now: () => app.session.now,
      advance: (ms) => app.driver.step(ms),
      pause: () => app.driver.setPaused(true),
      run: (speed) => {
        if (speed !== undefined) app.driver.setSpeed(speed);
        app.driver.setPaused(false);
      },
      frames: () => app.driver.frames,
      send: async (command, id, args = {}) => {
        const x = await app.driver.settle(app.session.input({ kind: 'host', command, id, args }));
        return x === undefined || x.outcome.kind === 'reply' ? 'reply' : x.outcome.error.message;
      },
      boards: () => app.session.sim.boards.length,
      rewind: (ms) => app.rewinder.rewindTo(ms),
      undo: () => app.rewinder.undoLast(),
      inputs: () => app.rewinder.inputs.map(describeInput),
      link: () => app.timeline.linkText(),
      scenario: () => app.timeline.scenarioText(),
      events: () => app.session.sim.events.events.map((e) => ({ t: e.t, type: e.type, ...('id' in e ? { id: e.id } : {}), ...('pi' in e ? { pi: e.pi } : {}) })),
      selection: () => ({ board: app.selection.board, pi: app.selection.pi }),
      timeState: () => ({ speed: app.driver.speed, paused: app.driver.paused }),
    };
  }));
}

start();
