import type { Db } from '../activities/database';
import type { StaffRole } from '../generated/prisma/enums';
import { ActionSpec } from './actions';

/** An action ready to render: its store's bays and staff as options, where to post, where to return. */
export async function resolveForm(db: Db, spec: ActionSpec, storeId: string, formAction: string, returnTo: string) {
  const fields = await Promise.all(
    spec.fields.map(async (f) => {
      if (f.options === 'bays') {
        const bays = await db.bay.findMany({ where: { storeId }, orderBy: { id: 'asc' } });
        return { ...f, options: bays.map((b) => ({ value: b.id, label: b.name })) };
      }
      if (typeof f.options === 'string' && f.options.startsWith('staff:')) {
        const role = f.options.slice('staff:'.length) as StaffRole;
        const staff = await db.staff.findMany({ where: { storeId, role, active: true }, orderBy: { id: 'asc' } });
        return { ...f, options: staff.map((s) => ({ value: s.id, label: s.name })) };
      }
      return f;
    }),
  );
  return { id: spec.id, submit: spec.submit, fields: [...fields, { name: 'action', kind: 'hidden', value: spec.id }], formAction, returnTo };
}
