// Runs an inbox or page action: the form becomes the command's input, and the same command the API runs
// checks and applies it; a refusal (400/409/422) becomes the message the person sees, with the next
// free times when the workshop cannot take a booking.
import type { Request } from 'express';
import { principalOf } from '../api/auth/middleware';
import { HttpError } from '../api/httpError';
import { careCallCommand } from '../commands/careCall';
import { runCommand } from '../commands/command';
import { lifecycleStepCommand } from '../commands/lifecycleSteps';
import { ticketAnswerCommand, ticketSubject } from '../commands/ticketAnswer';
import { ActionSpec, bodyFromForm } from './actions';
import { WebContext } from './context';
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

/** A refusal in the person's words; a booking the workshop cannot take lists the next free times. */
export function refusalMessage(lang: Lang, err: HttpError): string {
  const nextFree = (err.extra?.nextFree ?? []) as { start: string }[];
  const times = nextFree.length ? ` — ${text(lang, 'nextFree')}: ${nextFree.map((s) => formatTime(s.start)).join(', ')}` : '';
  return `${text(lang, 'stepRefused')}: ${err.message}${times}`;
}

export async function executeAction(ctx: WebContext, req: Request, spec: ActionSpec, subject: ActionSubject): Promise<Flash> {
  const p = principalOf(req);
  const lang = langOf(req);
  const form = (req.body ?? {}) as Record<string, unknown>;
  try {
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
      const state = await runCommand(ctx.commands, p, lifecycleStepCommand(spec.target.step.path), { vin: subject.vin }, bodyFromForm(spec, form, extra));
      return { kind: 'ok', message: `${text(lang, 'stepDone')}: ${subject.vin} → ${label(lang, 'stage', state.stage)}` };
    }
    if (spec.target.type === 'care') {
      await runCommand(ctx.commands, p, careCallCommand, { vin: subject.vin }, bodyFromForm(spec, form, { contact: subject.careContact }));
      return { kind: 'ok', message: `${text(lang, 'stepDone')}: ${subject.vin}` };
    }
    await runCommand(ctx.commands, p, ticketAnswerCommand, ticketSubject(subject.ticketId!), bodyFromForm(spec, form));
    return { kind: 'ok', message: `${text(lang, 'stepDone')}: ${subject.ticketId}` };
  } catch (err) {
    if (err instanceof HttpError && [400, 409, 422].includes(err.status)) return { kind: 'error', message: refusalMessage(lang, err) };
    throw err;
  }
}
