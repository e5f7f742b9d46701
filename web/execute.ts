// Runs a page's form: the form becomes the command's input, and the same command the API runs checks and
// applies it. A refusal (400/409/422) comes back as the form's state, so the page shows each reason next
// to its field with what the person typed, and the next free times when the workshop cannot take a booking.
import type { Request } from 'express';
import { principalOf } from '../api/auth/middleware';
import { HttpError } from '../api/httpError';
import { careCallCommand } from '../commands/careCall';
import { runCommand } from '../commands/command';
import { lifecycleStepCommand } from '../commands/lifecycleSteps';
import { ticketAnswerCommand, ticketSubject } from '../commands/ticketAnswer';
import { transferVehicleCommand } from '../commands/transferVehicle';
import { reasonIn } from '../commands/reasons';
import { DEFAULT_STORE_SETTINGS } from '../domain/storeSettings';
import { ActionSpec, bodyFromForm } from './actions';
import { WebContext } from './context';
import { FormState, refusedForm } from './fieldErrors';
import { Flash } from './flash';
import { formatTime } from './format';
import { label, Lang, text } from './i18n';
import { langOf } from './render';

export interface ActionSubject {
  vin: string;
  /** The ticket's workflow id for a ticket answer; the care contact for a care call. */
  ticketId?: string;
  careContact?: string;
}

export type ActionResult = { done: true; flash: Flash } | { done: false; status: number; state: FormState };

/** A refusal in the person's words; a booking the workshop cannot take lists the next free times. */
export function refusalMessage(lang: Lang, err: HttpError, reason = reasonIn(lang, err.message)): string {
  const nextFree = (err.extra?.nextFree ?? []) as { start: string }[];
  const times = nextFree.length ? ` — ${text(lang, 'nextFree')}: ${nextFree.map((s) => formatTime(s.start)).join(', ')}` : '';
  return `${text(lang, 'stepRefused')}: ${reason}${times}`;
}

/** A datetime-local field carries the store's wall clock: the vehicle's store says which zone that is. */
async function storeOffsetOf(ctx: WebContext, vin: string): Promise<number> {
  const storeId = await ctx.commands.storeOf(vin);
  const capacity = storeId ? await ctx.commands.capacityOf(ctx.db, storeId) : null;
  return capacity?.settings.utcOffsetMinutes ?? DEFAULT_STORE_SETTINGS.utcOffsetMinutes;
}

async function run(ctx: WebContext, req: Request, spec: ActionSpec, subject: ActionSubject): Promise<string> {
  const p = principalOf(req);
  const lang = langOf(req);
  const form = (req.body ?? {}) as Record<string, unknown>;
  const offset = await storeOffsetOf(ctx, subject.vin);
  if (spec.target.type === 'step') {
    const extra: Record<string, unknown> = {};
    if (spec.id === 'staff-assignment') {
      // R10: the customer's SMS names them, so the names come from the staff records.
      const ids = [form.advisorId, form.technicianId].filter((v): v is string => typeof v === 'string');
      const staff = await ctx.db.staff.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
      const name = (id: unknown) => staff.find((s) => s.id === id)?.name;
      extra.advisorName = name(form.advisorId);
      extra.technicianName = name(form.technicianId);
    }
    const state = await runCommand(ctx.commands, p, lifecycleStepCommand(spec.target.step.path), { vin: subject.vin }, bodyFromForm(spec, form, offset, extra));
    return `${text(lang, 'stepDone')}: ${subject.vin} → ${label(lang, 'stage', state.stage)}`;
  }
  if (spec.target.type === 'care') {
    await runCommand(ctx.commands, p, careCallCommand, { vin: subject.vin }, bodyFromForm(spec, form, offset, { contact: subject.careContact }));
    return `${text(lang, 'stepDone')}: ${subject.vin}`;
  }
  if (spec.target.type === 'transfer') {
    const moved = await runCommand(ctx.commands, p, transferVehicleCommand, { vin: subject.vin }, bodyFromForm(spec, form, offset));
    return `${text(lang, 'stepDone')}: ${subject.vin} → ${moved.toStoreId}`;
  }
  await runCommand(ctx.commands, p, ticketAnswerCommand, ticketSubject(subject.ticketId!), bodyFromForm(spec, form, offset));
  return `${text(lang, 'stepDone')}: ${subject.ticketId}`;
}

export async function executeAction(ctx: WebContext, req: Request, spec: ActionSpec, subject: ActionSubject, formId = spec.id): Promise<ActionResult> {
  try {
    return { done: true, flash: { kind: 'ok', message: await run(ctx, req, spec, subject) } };
  } catch (err) {
    if (!(err instanceof HttpError) || ![400, 409, 422].includes(err.status)) throw err;
    const lang = langOf(req);
    const { message, ...state } = refusedForm(err, formId, spec.fields, req.body, lang);
    const general = message ?? (Object.keys(state.errors).length ? undefined : reasonIn(lang, err.message));
    return { done: false, status: err.status, state: { ...state, message: general && refusalMessage(lang, err, general) } };
  }
}
