// A refused form, shown again: each reason next to the field it is about, the rest above the form, and
// what the person typed kept, so a refusal costs a correction, not the whole form.
import { HttpError } from '../api/httpError';
import { reasonIn, ReasonLang } from '../commands/reasons';
import { FieldSpec, formFieldOf, sentString } from './commandForms';

export interface FormState {
  /** Which form on the page was sent (several may be offered at once). */
  formId: string;
  values: Record<string, string>;
  errors: Record<string, string>;
  /** The reasons that belong to no single field. */
  message?: string;
}

/**
 * Splits a command's refusal over the form's fields: the schema's issues carry their path (400), and a
 * workflow validator's reason starts with the field's name ("promisedReadyAt must be in the future").
 */
export function fieldErrorsOf(err: HttpError, fieldNames: readonly string[], lang: ReasonLang = 'en'): Pick<FormState, 'errors' | 'message'> {
  const errors: Record<string, string> = {};
  const rest: string[] = [];
  const issues = Array.isArray(err.details) ? (err.details as { path?: unknown; message?: unknown; zh?: unknown }[]) : [];
  const reasons = issues.length ? issues.map((i) => ({ path: String(i.path ?? ''), message: String(i.message ?? ''), zh: typeof i.zh === 'string' ? i.zh : undefined })) : [{ path: '', message: err.message, zh: undefined }];
  for (const { path, message, zh } of reasons) {
    // A row's field by its whole path (items.0.priceCny), else the input it belongs to (customer.phone → customer).
    const named = path ? (fieldNames.includes(path) ? path : path.split('.')[0]) : fieldNames.find((f) => message === f || message.startsWith(`${f} `) || message.startsWith(`${f}:`));
    const shown = lang === 'zh' ? (zh ?? reasonIn('zh', message)) : message;
    if (named && fieldNames.includes(named)) errors[named] = errors[named] ? `${errors[named]}; ${shown}` : shown;
    else rest.push(path ? `${path}: ${shown}` : shown);
  }
  return { errors, message: rest.length ? rest.join('; ') : undefined };
}

/** The form's fields as the person sent them, strings only (what a form can carry). */
export function sentValues(body: unknown, fieldNames: readonly string[]): Record<string, string> {
  const form = (body ?? {}) as Record<string, unknown>;
  const values: Record<string, string> = {};
  for (const name of fieldNames) {
    const value = sentString(form[name]);
    if (value !== undefined) values[name] = value;
  }
  return values;
}

/** A refused form to show again: the reasons by field (a list's by the row it was typed in), what was sent. */
export function refusedForm(err: HttpError, formId: string, fields: readonly FieldSpec[], body: unknown, lang: ReasonLang = 'en'): FormState {
  const names = fields.map((f) => f.name);
  const form = (body ?? {}) as Record<string, unknown>;
  const issues = Array.isArray(err.details) ? (err.details as { path?: unknown }[]).map((i) => ({ ...i, path: formFieldOf(fields, form, String(i.path ?? '')) })) : err.details;
  return { formId, values: sentValues(body, names), ...fieldErrorsOf(new HttpError(err.status, err.message, issues, err.extra), names, lang) };
}
