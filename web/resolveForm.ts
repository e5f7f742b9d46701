import type { Db } from '../activities/database';
import type { StaffRole } from '../generated/prisma/enums';
import { ActionSpec, FieldSpec } from './actions';
import { FormState } from './fieldErrors';
import { PickerDay, slotPickerView } from './slotPicker';

export interface FormOptions {
  /** A refused submission of this form: its values and reasons are shown again. */
  state?: FormState;
  /** The id the page gives this form, to match a refused submission (several forms share a page). */
  formId?: string;
  /** Values offered before the person types (the customer's phone for a booking). */
  defaults?: Record<string, string>;
  /** Only these options of a select (the corrections possible at the vehicle's stage). */
  narrow?: Record<string, string[]>;
  /** The free times of the slot search for the fields that book a time (R5, R8), by field name. */
  pickers?: Record<string, PickerDay[]>;
  /** Where the free times are shown, for a form offered without them (the inbox's). */
  pickerAt?: string;
}

async function optionsOf(db: Db, f: FieldSpec, storeId: string): Promise<{ value: string; label: string }[] | undefined> {
  if (f.options === 'bays') {
    const bays = await db.bay.findMany({ where: { storeId, removedAt: null }, orderBy: { id: 'asc' } });
    return bays.map((b) => ({ value: b.id, label: b.name }));
  }
  if (f.options === 'stores') {
    // The other stores, where a vehicle may move to.
    const stores = await db.store.findMany({ where: { id: { not: storeId } }, orderBy: { id: 'asc' }, select: { id: true, name: true } });
    return stores.map((st) => ({ value: st.id, label: st.name }));
  }
  if (typeof f.options === 'string' && f.options.startsWith('staff:')) {
    const role = f.options.slice('staff:'.length) as StaffRole;
    const staff = await db.staff.findMany({ where: { storeId, role, active: true }, orderBy: { id: 'asc' } });
    return staff.map((s) => ({ value: s.id, label: s.name }));
  }
  return typeof f.options === 'object' ? f.options : undefined;
}

/** An action ready to render: its store's bays and staff as options, the values to show, where to post, where to return. */
export async function resolveForm(db: Db, spec: ActionSpec, storeId: string, formAction: string, returnTo: string, options: FormOptions = {}) {
  const formId = options.formId ?? spec.id;
  const refused = options.state?.formId === formId ? options.state : undefined;
  const fields = await Promise.all(
    spec.fields.map(async (f) => {
      const all = await optionsOf(db, f, storeId);
      const only = options.narrow?.[f.name];
      const value = refused ? (refused.values[f.name] ?? '') : (options.defaults?.[f.name] ?? f.value);
      return {
        ...f,
        value,
        error: refused?.errors[f.name],
        options: all && (only ? all.filter((o) => only.includes(o.value)) : all).map((o) => ({ ...o, selected: o.value === value })),
        checked: f.kind === 'checkbox' && value === 'true',
        picker: f.books && options.pickers?.[f.name] ? slotPickerView({ name: f.name, days: options.pickers[f.name], value, error: refused?.errors[f.name] }) : undefined,
        pickerAt: f.books && !options.pickers?.[f.name] ? options.pickerAt : undefined,
      };
    }),
  );
  // The rows of a list input (additional items) are shown together, one row per line.
  const groups: { row?: number; fields: typeof fields }[] = [];
  for (const f of fields) {
    const last = groups.at(-1);
    if (last && f.row !== undefined && last.row === f.row) last.fields.push(f);
    else groups.push({ row: f.row, fields: [f] });
  }
  return {
    id: spec.id,
    formId,
    title: spec.title,
    submit: spec.submit,
    groups,
    hidden: [
      { name: 'action', value: spec.id },
      { name: 'formId', value: formId },
    ],
    formAction,
    returnTo,
    message: refused?.message,
    refused: refused !== undefined,
  };
}
