// Runs an inbox or page action: the form becomes the API body, the step's schema validates it, the
// Update goes to the workflow; a refusal (400/409/422) becomes the message the person sees.
import type { Request } from 'express';
import { z } from 'zod';
import { principalOf } from '../api/auth/middleware';
import { careCallSchema, ticketAnswerSchema } from '../api/schemas';
import { runCareCall, runLifecycleStep, runTicketAnswer } from '../api/stepRunner';
import { HttpError } from '../api/httpError';
import { ActionSpec, bodyFromForm } from './actions';
import { WebContext } from './context';
import { Flash } from './flash';
import { label, text } from './i18n';
import { langOf } from './render';

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, result.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '));
  return result.data;
}

export interface ActionSubject {
  vin: string;
  /** The ticket's workflow id for a ticket answer; the care contact for a care call. */
  ticketId?: string;
  careContact?: string;
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
      const body = parse(spec.target.step.schema, bodyFromForm(spec, form, extra)) as object;
      const state = await runLifecycleStep(ctx.client, subject.vin, spec.target.step, body, p.id);
      return { kind: 'ok', message: `${text(lang, 'stepDone')}: ${subject.vin} → ${label(lang, 'stage', state.stage)}` };
    }
    if (spec.target.type === 'care') {
      const body = parse(careCallSchema, bodyFromForm(spec, form, { contact: subject.careContact }));
      await runCareCall(ctx.client, subject.vin, body, p.id);
      return { kind: 'ok', message: `${text(lang, 'stepDone')}: ${subject.vin}` };
    }
    const body = parse(ticketAnswerSchema, bodyFromForm(spec, form));
    await runTicketAnswer(ctx.client, subject.ticketId!, body, p.id);
    return { kind: 'ok', message: `${text(lang, 'stepDone')}: ${subject.ticketId}` };
  } catch (err) {
    if (err instanceof HttpError && [400, 409, 422].includes(err.status)) return { kind: 'error', message: `${text(lang, 'stepRefused')}: ${err.message}` };
    throw err;
  }
}
