/**
 * Property (fixed seed, printed on failure): for a random profile difference drawn from the
 * profile schema (one ASSUMED field set to one of the alternatives diagnosis itself would try),
 * a session recorded on that profile either diverges from v4-reference and the proposed patch
 * removes the divergence, or it does not diverge and the same commands recorded on v4-reference
 * gave the same replies (digital fields exactly, readings within the tolerance), so the session
 * truly does not exercise the difference.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { V4_REFERENCE } from '../../board-model/profiles.ts';
import { classifyReply, sessionExchanges } from '../session/exchanges.ts';
import { compareOutcomes } from '../session/replay.ts';
import { DEFAULT_TOLERANCE } from '../session/tolerance.ts';
import { conformSessions } from './conform.ts';
import { withField } from './diagnose.ts';
import { getField, profileFields } from './profileFields.ts';
import { recordOnSim, type SimScript } from './testing/recordOnSim.ts';

/** A bit of everything: reads, a damaged request, the error log, a graceful off; every request may fail (a board that does not answer). */
async function mixedScript(s: SimScript): Promise<void> {
  const steps: Array<() => Promise<unknown>> = [
    () => s.client.getSwVersion(0), () => s.client.getHbtTime(0, 0), () => s.client.getOffDelay(0, 0), () => s.client.getPiPowered(0, 0),
    () => s.client.requestRaw(Uint8Array.from([0x0a, 0x00, 0x04, 0x00, 0x00]), 'GET_VIN'), () => s.client.getErrorPointer(0),
    () => s.client.getErrorCount(0), () => s.client.getErrorBuffer(0), () => s.client.getVin(0), () => s.client.get5v(0),
    () => s.client.setOffDelay(0, 0, 2), () => s.client.piOn(0, 0), () => s.sleep(1000), () => s.client.piOff(0, 0),
  ];
  for (const step of steps) await step().catch(() => undefined);
  for (let t = 0; t < 4000; t += 500) {
    await s.client.getPiPowered(0, 0).catch(() => undefined);
    await s.sleep(500);
  }
}

const SEED = Number(process.env['FC_SEED'] ?? 1205);
const RUNS = 30;

const fields = profileFields(V4_REFERENCE);
const difference = fc.record({ field: fc.nat({ max: fields.length - 1 }), pick: fc.nat() }).map(({ field, pick }) => {
  const f = fields[field]!;
  const values = f.alternatives(getField(V4_REFERENCE, f.path), { numbers: [] });
  return { name: f.name, path: f.path, value: values.length === 0 ? getField(V4_REFERENCE, f.path) : values[pick % values.length] };
});

test(`a random profile difference is found and patched, or not exercised at all (seed ${SEED})`, async () => {
  const reference = await recordOnSim(V4_REFERENCE, mixedScript);
  const referenceExchanges = sessionExchanges(reference).exchanges;
  let diverged = 0;
  await fc.assert(
    fc.asyncProperty(difference, async (d) => {
      const board = { ...withField(V4_REFERENCE, d.path, d.value), name: `differs in ${d.name}` };
      const session = await recordOnSim(board, mixedScript);
      const { report, proposed } = conformSessions([session], { diagnose: true });
      if (process.env["SHOW"]) console.log(d.name, JSON.stringify(d.value), report.diverged, JSON.stringify(report.proposedProfile?.patch));
      if (report.diverged) {
        diverged++;
        assert.ok(proposed, `${d.name} = ${JSON.stringify(d.value)}: no patch found (${report.diagnosis?.unexplained}); suspects ${JSON.stringify(report.suspects.slice(0, 3))}`);
        assert.is(conformSessions([session], { profile: proposed }).report.diverged, false, `${d.name}: the patch ${JSON.stringify(report.proposedProfile?.patch)} removes the divergence`);
        return;
      }
      const exchanges = sessionExchanges(session).exchanges;
      assert.is(exchanges.length, referenceExchanges.length, `${d.name}: the same requests`);
      exchanges.forEach((e, i) => {
        const r = referenceExchanges[i]!;
        const diffs = compareOutcomes(e.command, classifyReply(r.reply, r.command), classifyReply(e.reply, e.command), DEFAULT_TOLERANCE);
        assert.equal(diffs, [], `${d.name} = ${JSON.stringify(d.value)}: exchange #${e.index} ${e.label} answered as on v4-reference`);
      });
    }),
    { seed: SEED, numRuns: RUNS },
  );
  assert.ok(diverged > 0, 'some of the differences were exercised');
});

test.run();
