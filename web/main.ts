/// <reference lib="dom" />
/**
 * Entry of the `pistack viz` page (bundled by esbuild into one classic script): reads the data
 * the build wrote (data.js), builds the page and starts virtual time. `window.pistackViz` lets
 * tests and the benchmark drive it deterministically (advance virtual time, read the clock).
 */
import { App } from './App.ts';
import type { CommandName } from '../bus-protocol/commands.ts';
import type { Speed } from './TimeDriver.ts';
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
  /** Send a command from the host and resolve when it is answered (or not), every panel drawn: "reply" or the failure. */
  send(command: CommandName, id: number, args?: Record<string, number>): Promise<string>;
  /** Boards in the current stack. */
  boards(): number;
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
  requestAnimationFrame(() => {
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
        const x = await app.driver.settle(app.session.send(command, id, args));
        return x.outcome.kind === 'reply' ? 'reply' : x.outcome.error.message;
      },
      boards: () => app.session.sim.boards.length,
    };
  });
}

start();
