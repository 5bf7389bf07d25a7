/**
 * Conformance speed (issue 12, "Figures"): exchanges replayed per second against the model in
 * virtual time, and the time to shrink and diagnose a 2,000-exchange session, with its size
 * before and after shrinking. Goals: at least 50,000 exchanges/s; shrink + diagnose under 10 s.
 *
 * Run: `npx tsx bench/conform.ts [--json] [--exchanges N] [--repeat N]`. Figures only, no
 * assertions (wall time depends on the machine and its load, printed with them). The session is
 * ordinary reads of board 0 every 10 ms, then a graceful off whose delay the stand-in board takes
 * from SIG_OFF_DELAY (`gracefulOffDelay: "sig-off-delay"`): the divergence comes near the end.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { V4_REFERENCE, parseProfile } from '../board-model/profiles.ts';
import { SINGLE_BOARD_STACK } from '../board-model/stack.ts';
import { conformSessions } from '../hil/conform/conform.ts';
import { replayOnModel } from '../hil/conform/modelReplay.ts';
import { recordOnSim, type SimScript } from '../hil/conform/testing/recordOnSim.ts';
import { sessionExchanges } from '../hil/session/exchanges.ts';
import { DEFAULT_TOLERANCE } from '../hil/session/tolerance.ts';

const { values } = parseArgs({ options: { json: { type: 'boolean' }, exchanges: { type: 'string', default: '2000' }, repeat: { type: 'string', default: '5' } } });
const total = Number(values.exchanges);
const repeat = Number(values.repeat);

/** `reads` ordinary reads, then the graceful off and 32 polls of the power (about 40 more exchanges). */
function script(reads: number) {
  return async (s: SimScript) => {
    const c = s.client;
    const cycle = [() => c.getVin(0), () => c.getPiPowered(0, 0), () => c.getHbtTime(0, 0), () => c.getSwVersion(0), () => c.getErrorCount(0)];
    for (let i = 0; i < reads; i++) {
      await cycle[i % cycle.length]!();
      await s.sleep(10);
    }
    await c.setOffDelay(0, 0, 2);
    await c.setSigOffDelay(0, 0, 5);
    await c.piOn(0, 0);
    await s.sleep(1000);
    await c.piOff(0, 0);
    for (let t = 0; t < 8000; t += 250) {
      await c.getPiPowered(0, 0);
      await s.sleep(250);
    }
  };
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const reads = Math.max(0, total - 36);
const reference = await recordOnSim(V4_REFERENCE, script(reads));
const standIn = await recordOnSim(parseProfile({ gracefulOffDelay: 'sig-off-delay', name: 'stand-in' }, 'stand-in'), script(reads));
const exchanges = sessionExchanges(reference).exchanges;

// 1. Replay speed: the whole reference session, no divergence, every exchange compared.
const rates: number[] = [];
const cpuRates: number[] = [];
for (let i = 0; i < repeat; i++) {
  const t0 = performance.now();
  const c0 = cpuMs();
  const r = replayOnModel(exchanges, { stack: SINGLE_BOARD_STACK, profile: V4_REFERENCE }, { tolerance: DEFAULT_TOLERANCE });
  const ms = performance.now() - t0;
  if (r.mismatched !== 0) throw new Error(`the reference session diverged (${r.mismatched} exchanges): the bench is broken`);
  rates.push(exchanges.length / (ms / 1000));
  cpuRates.push(exchanges.length / ((cpuMs() - c0) / 1000));
}
rates.sort((a, b) => a - b);
cpuRates.sort((a, b) => a - b);

// 2. Shrink and diagnose the stand-in session.
const wall0 = performance.now();
const cpu0 = cpuMs();
const { report } = conformSessions([standIn], { shrink: true, diagnose: true });
const figures = {
  load: loadavg().map((l) => Math.round(l * 10) / 10),
  exchanges: exchanges.length,
  replay: { exchangesPerSecondBest: Math.round(rates[rates.length - 1]!), exchangesPerSecondMedian: Math.round(rates[Math.floor(rates.length / 2)]!), exchangesPerCpuSecondBest: Math.round(cpuRates[cpuRates.length - 1]!), runs: repeat },
  shrinkAndDiagnose: {
    wallMs: Math.round(performance.now() - wall0), cpuMs: Math.round(cpuMs() - cpu0),
    before: report.shrunk?.originalExchanges ?? null, after: report.shrunk?.exchanges ?? null,
    firstDivergenceAt: report.firstDivergence?.exchange ?? null, suspect: report.suspects[0]?.field ?? null,
    trials: report.diagnosis?.trials ?? null, proposed: report.proposedProfile?.patch ?? null,
  },
};
if (values.json) console.log(JSON.stringify(figures, null, 2));
else {
  console.log(`load average ${figures.load.join(' ')} (figures are wall time on this machine, under that load)`);
  console.log(`replay: ${figures.exchanges} exchanges, ${figures.replay.exchangesPerSecondBest} exchanges/s best, ${figures.replay.exchangesPerSecondMedian} median of ${repeat}; ${figures.replay.exchangesPerCpuSecondBest} per CPU second (goal >= 50,000/s)`);
  const s = figures.shrinkAndDiagnose;
  console.log(`shrink + diagnose: ${(s.wallMs / 1000).toFixed(2)} s wall, ${(s.cpuMs / 1000).toFixed(2)} s CPU (goal < 10 s); ${s.before} -> ${s.after} exchanges; divergence at #${s.firstDivergenceAt}; ${s.trials} replays; suspect ${s.suspect}; proposed ${JSON.stringify(s.proposed)}`);
}
