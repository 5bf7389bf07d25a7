/**
 * What each kind of plan step does on the bus, and the measurements it produces. A step throws
 * only for bus and run conditions (no reply to a command it needs, interruption, lost adapter);
 * a value outside its limits is a failed measurement, not an exception.
 */
import { COMMANDS, type CommandName } from '../../bus-protocol/commands.ts';
import { NoReplyError } from '../../bus-protocol/errors.ts';
import { encodeRequest } from '../../bus-protocol/frame.ts';
import type { PiIndex, StackClient } from '../../bus-protocol/StackClient.ts';
import type { BoardSession } from './BoardSession.ts';
import { measured, noted, resolveLimits, type MeasurementResult, type ResolvedLimits } from './limits.ts';
import type { ManualOutcome, Operator } from './operator.ts';
import { MEASURED_UNIT, type Limits, type PlanStep } from './planSchema.ts';
import { probeValue } from './settings.ts';

/** What a step gets to work with. */
export interface StepContext {
  readonly session: BoardSession;
  readonly operator: Operator;
  readonly signal?: AbortSignal;
  /** Record a measurement (kept even when the step later throws). */
  measure(m: MeasurementResult): void;
  /** Say what is happening (progress). */
  note(text: string): void;
}

/** A step's own verdict when it did not throw: skipped (manual step not done) or measured (pass/fail from its measurements). */
export type StepVerdict = { readonly kind: 'measured' } | { readonly kind: 'skipped'; readonly reason: string };

const MEASURED: StepVerdict = { kind: 'measured' };

type Step<K extends PlanStep['do']> = Extract<PlanStep, { do: K }>;

/** Run one step. */
export async function runStep(step: PlanStep, ctx: StepContext): Promise<StepVerdict> {
  switch (step.do) {
    case 'identity': return identity(ctx);
    case 'read': return read(step, ctx);
    case 'reply-errors': return replyErrors(step, ctx);
    case 'setting-roundtrip': return settingRoundtrip(step, ctx);
    case 'error-log': return errorLog(step, ctx);
    case 'power': return power(step, ctx);
    case 'wait': return ctx.session.sleep(step.ms).then(() => MEASURED);
    case 'manual': return manual(step, ctx);
    case 'watchdog': return watchdog(step, ctx);
    case 'graceful-off': return gracefulOff(step, ctx);
  }
}

function limitsOf(ctx: StepContext, limits: Limits): ResolvedLimits {
  return resolveLimits(limits, { id: ctx.session.id });
}

/** GET_ID at the ID under test; on silence, look for the board at the other IDs of its prefix. */
async function identity(ctx: StepContext): Promise<StepVerdict> {
  const { session } = ctx;
  const id = session.id;
  try {
    const got = await session.do((c) => c.getId(id));
    ctx.measure(measured('GET_ID', got, '', { equals: id }));
    ctx.measure(measured('GET_ID_PREFIX', await session.do((c) => c.getIdPrefix(id)), '', { equals: id & 0xf0 }));
    return MEASURED;
  } catch (error) {
    if (!(error instanceof NoReplyError) || error.partial.length > 0) throw error;
  }
  ctx.note(`no reply at ID ${id}: scanning IDs ${id & 0xf0}..${(id & 0xf0) + 15} for the board`);
  // Straight through the port, not session.do(): an answer from another ID is not the board under test answering.
  session.checkpoint();
  const scan = await session.port.run(session.client.scan({ from: id & 0xf0, to: Math.min(0xfe, (id & 0xf0) + 15) }));
  const others = [...scan.found.map((f) => f.id), ...scan.corrupt.map((c) => c.id)];
  const detail = others.length === 0
    ? `no reply at ID ${id}, and nothing answers at IDs ${id & 0xf0}..${(id & 0xf0) + 15} (wiring, supply, or termination?)`
    : `no reply at ID ${id}; a board answers at ID ${others.join(', ')} instead (DIP switch: set wrong or a stuck bit? DIP reads ${others.map((o) => (o & 0x0f).toString(2).padStart(4, '0')).join(', ')}, label ${(id & 0x0f).toString(2).padStart(4, '0')})`;
  ctx.measure(measured('GET_ID', null, '', { equals: id }, detail));
  return MEASURED;
}

/** A typed client call for a command name picked at run time (the plan's `read` steps). */
function requestByName(client: StackClient, name: CommandName, id: number, pi: PiIndex | undefined): Promise<Record<string, unknown>> {
  const request = client.request.bind(client) as (name: CommandName, id: number, ...args: unknown[]) => Promise<Record<string, unknown>>;
  return pi === undefined ? request(name, id) : request(name, id, { pi });
}

async function read(step: Step<'read'>, ctx: StepContext): Promise<StepVerdict> {
  const name = step.command as CommandName;
  const pi = step.pi as PiIndex | undefined;
  const unit = MEASURED_UNIT[name];
  const label = pi === undefined ? name : `${name} pi${pi}`;
  const id = ctx.session.id;
  let value: number;
  if (unit !== undefined) {
    const measure = ctx.session.client.measure.bind(ctx.session.client) as unknown as (name: CommandName, id: number, ...args: unknown[]) => Promise<{ value: number }>;
    value = (await ctx.session.do(() => (pi === undefined ? measure(name, id) : measure(name, id, { pi })))).value;
  } else {
    const payload = await ctx.session.do((c) => requestByName(c, name, id, pi));
    value = Number(payload[COMMANDS[name].response[0]!.name]);
  }
  ctx.measure(measured(label, value, unit ?? 'count', limitsOf(ctx, step.limits)));
  return MEASURED;
}

async function replyErrors(step: Step<'reply-errors'>, ctx: StepContext): Promise<StepVerdict> {
  const frame = encodeRequest('GET_SW_VERSION', ctx.session.id);
  const failures = new Map<string, number>();
  for (let i = 0; i < step.requests; i++) {
    const outcome = await ctx.session.do((c) => c.requestRaw(frame, 'GET_SW_VERSION'));
    if (outcome.kind === 'reply' && outcome.frame.status === 'ok') continue;
    const why = outcome.kind === 'reply' ? 'error reply' : outcome.error.kind === 'no-reply' ? 'no reply' : outcome.error.kind === 'crc' ? 'CRC error' : outcome.error.kind;
    failures.set(why, (failures.get(why) ?? 0) + 1);
  }
  const failed = [...failures.values()].reduce((a, b) => a + b, 0);
  const detail = failed === 0 ? `${step.requests} requests, no retries` : `${failed} of ${step.requests}: ${[...failures].map(([k, n]) => `${n} ${k}`).join(', ')}`;
  ctx.measure(measured('failed replies', failed, 'count', limitsOf(ctx, step.limits), detail));
  return MEASURED;
}

async function settingRoundtrip(step: Step<'setting-roundtrip'>, ctx: StepContext): Promise<StepVerdict> {
  const { session } = ctx;
  for (const pi of step.pis as PiIndex[]) {
    const original = await session.readSetting(step.setting, pi);
    const probe = probeValue(step.setting, original);
    await session.writeSetting(step.setting, pi, probe);
    ctx.measure(measured(`pi${pi} read-back`, await session.readSetting(step.setting, pi), '', { equals: probe }, `wrote ${probe} over ${original}`));
    const [restored] = await session.restore([{ setting: step.setting, pi }]);
    ctx.measure(measured(`pi${pi} restored`, restored?.ok ? original : await session.readSetting(step.setting, pi), '', { equals: original }));
  }
  return MEASURED;
}

async function errorLog(step: Step<'error-log'>, ctx: StepContext): Promise<StepVerdict> {
  const { session } = ctx;
  const id = session.id;
  const before = await session.do((c) => c.getErrorBuffer(id));
  ctx.measure(measured('slots', before.length, 'count', limitsOf(ctx, step.limits)));
  ctx.measure(noted('entries before clearing', before.filter((b) => b !== 0).length, 'count'));
  await session.do((c) => c.clearErrorBuffer(id));
  const after = await session.do((c) => c.getErrorBuffer(id));
  ctx.measure(measured('non-zero slots after clearing', after.filter((b) => b !== 0).length, 'count', { equals: 0 }));
  const pointer = await session.do((c) => c.getErrorPointer(id));
  ctx.measure(measured('pointer after clearing', pointer, '', { oneOf: [...new Set([0, Math.max(0, after.length - 1)])] }, 'the first slot (next-slot) or the last (last-written)'));
  if (step.clearCount) {
    await session.do((c) => c.clearErrorCount(id));
    ctx.measure(measured('error count after clearing', await session.do((c) => c.getErrorCount(id)), 'count', { equals: 0 }));
  }
  return MEASURED;
}

async function power(step: Step<'power'>, ctx: StepContext): Promise<StepVerdict> {
  const { session } = ctx;
  const pi = step.pi as PiIndex;
  await session.do((c) => (step.action === 'on' ? c.piOn(session.id, pi) : c.piForceOff(session.id, pi)));
  if (step.settleMs > 0) await session.sleep(step.settleMs);
  ctx.measure(measured(`GET_PI_POWERED pi${pi}`, (await session.powered(pi)) ? 1 : 0, '', { equals: step.action === 'on' ? 1 : 0 }));
  return MEASURED;
}

async function manual(step: Step<'manual'>, ctx: StepContext): Promise<StepVerdict> {
  ctx.session.checkpoint();
  const outcome: ManualOutcome = await ctx.operator.perform(
    { step: step.name, action: step.action, instruction: step.instruction, ...(step.pi === undefined ? {} : { pi: step.pi }) },
    ctx.signal,
  );
  ctx.session.checkpoint();
  if (!outcome.done) return { kind: 'skipped', reason: outcome.reason };
  ctx.note(`done by the ${outcome.by}`);
  return MEASURED;
}

/** Seconds from ms. */
function seconds(ms: number): number {
  return ms / 1000;
}

async function watchdog(step: Step<'watchdog'>, ctx: StepContext): Promise<StepVerdict> {
  const { session } = ctx;
  const pi = step.pi as PiIndex;
  const id = session.id;
  const touched = [{ setting: 'HBT_TIME', pi }, { setting: 'HBT_DELAY', pi }] as const;
  await session.do((c) => c.piForceOff(id, pi));
  try {
    await session.writeSetting('HBT_TIME', pi, step.hbtTime);
    await session.writeSetting('HBT_DELAY', pi, step.hbtDelay);
    await session.do((c) => c.piOn(id, pi));
    const t0 = session.now();
    ctx.note(`Pi ${pi} on with HBT_DELAY ${step.hbtDelay}, nothing heartbeating: waiting for the watchdog to cut power`);
    const drop = await session.waitForPowered(pi, false, step.timeoutMs);
    if (drop === undefined) {
      ctx.measure(measured('trip time', null, 's', limitsOf(ctx, step.limits.trip), `power still on after ${seconds(step.timeoutMs)} s: no watchdog power cycle`));
      ctx.measure(measured('cycle off time', null, 's', limitsOf(ctx, step.limits.offTime), 'not measured (no power drop)'));
      return MEASURED;
    }
    ctx.measure(measured('trip time', seconds(drop.at - t0), 's', limitsOf(ctx, step.limits.trip), `+-${(drop.resolutionMs / 2).toFixed(0)} ms`));
    ctx.note('power dropped: waiting for the power cycle to switch it back on');
    const back = await session.waitForPowered(pi, true, step.timeoutMs);
    ctx.measure(
      back === undefined
        ? measured('cycle off time', null, 's', limitsOf(ctx, step.limits.offTime), `power still off after ${seconds(step.timeoutMs)} s`)
        : measured('cycle off time', seconds(back.at - drop.at), 's', limitsOf(ctx, step.limits.offTime), `+-${((back.resolutionMs + drop.resolutionMs) / 2).toFixed(0)} ms`),
    );
    return MEASURED;
  } finally {
    await afterTimedStep(ctx, pi, touched);
  }
}

async function gracefulOff(step: Step<'graceful-off'>, ctx: StepContext): Promise<StepVerdict> {
  const { session } = ctx;
  const pi = step.pi as PiIndex;
  const id = session.id;
  const touched = [{ setting: 'OFF_DELAY', pi }, { setting: 'SIG_OFF_DELAY', pi }] as const;
  await session.do((c) => c.piForceOff(id, pi));
  try {
    await session.writeSetting('OFF_DELAY', pi, step.offDelay);
    await session.writeSetting('SIG_OFF_DELAY', pi, step.sigOffDelay ?? step.offDelay);
    await session.do((c) => c.piOn(id, pi));
    if (step.settleMs > 0) await session.sleep(step.settleMs);
    await session.do((c) => c.piOff(id, pi));
    const t0 = session.now();
    ctx.note(`PI_OFF sent with OFF_DELAY ${step.offDelay}: waiting for the power to go`);
    const drop = await session.waitForPowered(pi, false, step.timeoutMs);
    ctx.measure(
      drop === undefined
        ? measured('power removed after', null, 's', limitsOf(ctx, step.limits.offTime), `power still on after ${seconds(step.timeoutMs)} s`)
        : measured('power removed after', seconds(drop.at - t0), 's', limitsOf(ctx, step.limits.offTime), `+-${(drop.resolutionMs / 2).toFixed(0)} ms`),
    );
    return MEASURED;
  } finally {
    await afterTimedStep(ctx, pi, touched);
  }
}

/** After a timed step: power the port off and put its settings back (unless the run is ending: the clean-up does that). */
async function afterTimedStep(ctx: StepContext, pi: PiIndex, touched: ReadonlyArray<{ setting: 'HBT_TIME' | 'HBT_DELAY' | 'OFF_DELAY' | 'SIG_OFF_DELAY'; pi: PiIndex }>): Promise<void> {
  const { session } = ctx;
  if (session.lost !== undefined || ctx.signal?.aborted) return;
  try {
    await session.do((c) => c.piForceOff(session.id, pi));
    const restored = await session.restore(touched);
    ctx.note(`settings restored: ${restored.map((r) => `${r.setting} pi${r.pi} = ${r.value}${r.ok ? '' : ' (FAILED)'}`).join(', ')}`);
  } catch (error) {
    // The step's own outcome matters more; the run's clean-up retries what is left in the ledger.
    ctx.note(`could not power off and restore after the step: ${error instanceof Error ? error.message : String(error)}`);
  }
}
