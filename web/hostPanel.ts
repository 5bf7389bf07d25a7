/// <reference lib="dom" />
/**
 * The host panel: send any command of the COMMANDS table to any board ID, with one input per
 * request field of that command (the Pi as a choice, numbers bounded by their wire type), and
 * see the request and reply bytes and the decoded reply. Readings are also shown converted.
 */
import { COMMANDS, COMMAND_NAMES, fieldSize, type CommandName } from '../bus-protocol/commands.ts';
import { rawPowerToWatts, rawToUnits, type PowerReading, type Reading } from '../bus-protocol/conversions.ts';
import { describeErrorCode } from '../bus-protocol/errorCodes.ts';
import { NoReplyError } from '../bus-protocol/errors.ts';
import type { NoReplyExplanation } from '../board-model/noReplyCause.ts';
import { h, labelled, panel, select, setText } from './dom.ts';
import { formatSeconds, hexBytes, hexByte } from './format.ts';
import type { HostExchange, Session } from './Session.ts';
import type { Selection } from './stackView.ts';
import type { TimeDriver } from './TimeDriver.ts';

const ADC: Partial<Record<CommandName, Reading>> = { GET_VIN: 'vin', GET_CIN: 'cin', GET_5V: 'rail5v', GET_PI_V: 'piV', GET_PI_C: 'piC' };
const POWER: Partial<Record<CommandName, PowerReading>> = { GET_POWER: 'input', GET_5V_POWER: 'rail5v', GET_PI_POWER: 'pi' };

/**
 * Wording of a reply: "OK raw=2345 (12.03 V)", "ERROR 0x14 INVALID_PI: …", or why none came
 * (with the simulator's explanation of a timeout, as the host-timeout event gives it).
 */
export function replyText(x: HostExchange, hardwareVersion: 2 | 3, noReply?: NoReplyExplanation): string {
  const o = x.outcome;
  if (o.kind === 'failed') return `no reply: ${o.error.message}${noReply ? ` (${noReply.cause}: ${noReply.why})` : ''}`;
  const f = o.frame;
  if (f.status === 'error') return `ERROR ${describeErrorCode(f.code)}`;
  const fields = Object.entries(f.payload as Record<string, unknown>).map(([k, v]) => `${k}=${v instanceof Uint8Array ? hexBytes(v) : String(v)}`);
  const raw = (f.payload as { raw?: number }).raw;
  const adc = ADC[x.command];
  const power = POWER[x.command];
  let unit = '';
  if (raw !== undefined && adc) unit = ` (${rawToUnits(adc, raw, hardwareVersion).toFixed(3)} ${adc === 'cin' || adc === 'piC' ? 'A' : 'V'})`;
  if (raw !== undefined && power) unit = ` (${rawPowerToWatts(power, raw, hardwareVersion).toFixed(3)} W)`;
  return `OK${fields.length > 0 ? ` ${fields.join(' ')}` : ''}${unit}`;
}

/** The host panel. */
export class HostPanel {
  readonly el: HTMLElement;
  private readonly id = h('input', { id: 'host-id', type: 'number', min: 0, max: 255, step: 1, value: 0, required: true });
  private readonly command = select(COMMAND_NAMES.map((n) => [n, `${n} (${hexByte(COMMANDS[n].code)}): ${COMMANDS[n].summary}`] as const), { id: 'host-command', 'aria-describedby': 'host-command-desc' });
  /** The chosen command's whole description, below the select (a closed select cuts long text). */
  private readonly description = h('p', { id: 'host-command-desc', class: 'desc' });
  private readonly fields = h('div', { class: 'fields' });
  private readonly sent = h('output', { id: 'host-request', class: 'hex' });
  private readonly reply = h('output', { id: 'host-reply-bytes', class: 'hex' });
  private readonly decoded = h('output', { id: 'host-decoded', 'aria-live': 'polite' });
  private session: Session | undefined;

  constructor(private readonly driver: TimeDriver, private readonly selection: Selection) {
    this.command.value = 'PI_ON';
    const form = h('form', { class: 'host', 'aria-label': 'send a command' },
      h('div', { class: 'controls' }, labelled('Board ID', this.id), labelled('Command', this.command)),
      this.description, this.fields, h('button', { type: 'submit', id: 'host-send' }, 'Send'));
    const results = h('dl', { class: 'exchange' },
      h('dt', {}, 'Request'), h('dd', {}, this.sent), h('dt', {}, 'Reply'), h('dd', {}, this.reply), h('dt', {}, 'Decoded'), h('dd', {}, this.decoded));
    this.el = panel('host', 'Host panel', form, results);
    this.command.addEventListener('change', () => this.showFields());
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.send();
    });
    selection.onChange(() => this.follow());
    this.showFields();
  }

  /** Use a new session's host client; the ID follows the selected board; the last session's exchange is cleared. */
  bind(session: Session): void {
    this.session = session;
    for (const el of [this.sent, this.reply, this.decoded]) setText(el, '');
    this.follow();
  }

  private follow(): void {
    const board = this.session?.sim.boards[this.selection.board];
    if (board) this.id.value = String(board.id);
    const pi = this.fields.querySelector<HTMLSelectElement>('select[name="pi"]');
    if (pi) pi.value = String(this.selection.pi);
  }

  private showFields(): void {
    const name = this.command.value as CommandName;
    const spec = COMMANDS[name];
    setText(this.description, `${name} (${hexByte(spec.code)}): ${spec.summary}. ${spec.effect === 'write' ? 'Changes the board' : 'Only reads'}; since firmware ${spec.since}.`);
    this.fields.replaceChildren(...COMMANDS[name].request.map((field) => {
      const id = `host-field-${field.name}`;
      if (field.name === 'pi') {
        const pi = select([['0', 'Pi 0'], ['1', 'Pi 1']], { id, name: 'pi' });
        pi.value = String(this.selection.pi);
        return labelled('Pi', pi);
      }
      const max = 2 ** (8 * (fieldSize(field.type) ?? 1)) - 1;
      return labelled(`${field.name} (${field.type}, 0..${max})`, h('input', { id, name: field.name, type: 'number', min: 0, max, step: 1, value: 0, required: true }));
    }));
  }

  private async send(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const name = this.command.value as CommandName;
    const args: Record<string, number> = {};
    this.fields.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[name]').forEach((el) => (args[el.name] = Number(el.value)));
    const id = Number(this.id.value);
    setText(this.decoded, 'waiting for the reply…');
    setText(this.reply, '');
    try {
      const x = await this.driver.settle(session.input({ kind: 'host', command: name, id, args }));
      if (x === undefined) return;
      if (session !== this.session) return;
      setText(this.sent, `${hexBytes(x.request)} (at ${formatSeconds(x.sentAt)})`);
      const o = x.outcome;
      setText(this.reply, o.kind === 'reply' ? `${hexBytes(o.frame.bytes)} (at ${formatSeconds(o.at)})` : '(none)');
      const why = o.kind === 'failed' && o.error instanceof NoReplyError ? session.sim.explainNoReply(id) : undefined;
      setText(this.decoded, `${name} to board ${id}: ${replyText(x, session.scenario.profile.hardwareVersion, why)}`);
    } catch (e) {
      setText(this.sent, '');
      setText(this.decoded, `not sent: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
