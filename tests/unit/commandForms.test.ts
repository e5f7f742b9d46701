// The page forms come from the command catalogue: every input a step's schema takes has its field, every
// field and choice its text in both languages, and the form's strings become the body the API would get.
import { z } from 'zod';
import { LIFECYCLE_STEPS } from '../../commands/lifecycleSteps';
import { stepSchemas } from '../../commands/schemas';
import { actionForTask, stepForm, stepForms, TRANSFER } from '../../web/actions';
import { bodyFromFields, fieldsOfSchema, formFieldOf, LIST_ROWS } from '../../web/commandForms';
import { LANGS, text } from '../../web/i18n';

// R10: the names the customer's SMS gives come from the staff records, never from the form.
const FILLED_BY_THE_SERVER = new Set(['advisorName', 'technicianName']);

test('every lifecycle step of the catalogue has a form with a field for each input its schema takes', () => {
  expect(stepForms().map((f) => f.id)).toEqual(LIFECYCLE_STEPS.map((s) => s.path));
  for (const step of LIFECYCLE_STEPS) {
    const inputs = Object.keys((step.schema as z.ZodObject).shape).filter((k) => !FILLED_BY_THE_SERVER.has(k));
    const fields = new Set(stepForm(step.path).fields.map((f) => f.name.split('.')[0]));
    expect({ step: step.path, missing: inputs.filter((i) => !fields.has(i)) }).toEqual({ step: step.path, missing: [] });
  }
});

test('every heading, button, label and choice of every form reads in Chinese and in English', () => {
  const specs = [...stepForms(), TRANSFER, actionForTask('NEW_CAR_7DC_CALL')!, actionForTask('FAILURE_TICKET_ANSWER')!];
  const keys = new Set<string>();
  for (const spec of specs) {
    keys.add(spec.title).add(spec.submit);
    for (const f of spec.fields) {
      keys.add(f.label);
      if (Array.isArray(f.options)) for (const o of f.options) keys.add(o.label);
    }
  }
  const missing = [...keys].flatMap((k) => LANGS.filter((lang) => text(lang, k) === k).map((lang) => `${lang}:${k}`));
  expect(missing).toEqual([]);
  // Chinese first: the Chinese text is not the English one copied over (an App is an App in both).
  expect([...keys].filter((k) => text('zh', k) === text('en', k) && !/App/.test(text('en', k)))).toEqual([]);
});

test('field kinds follow the schema: enums are selects, numbers numbers, instants date-times, multi-line text a text area', () => {
  const byName = (path: string) => new Map(stepForm(path).fields.map((f) => [f.name, f]));
  const booking = byName('bookings');
  expect(booking.get('channel')).toMatchObject({ kind: 'select', required: true });
  expect(booking.get('bookedFor')).toMatchObject({ kind: 'datetime', as: 'instant', required: true, books: { moving: false } });
  expect(booking.get('faultDescription')).toMatchObject({ kind: 'textarea', required: true });
  expect(booking.get('mileageKm')).toMatchObject({ kind: 'number', required: false });
  expect(byName('preparation-complete').get('technicianId')).toMatchObject({ kind: 'select', options: 'staff:TECHNICIAN' });
  expect(byName('progress-check').get('onTime')).toMatchObject({ kind: 'select', as: 'boolean' });
  // R13: the items of additional work are rows; a row's safety flag is a box to tick.
  const work = byName('additional-work');
  expect([...work.keys()].filter((n) => n.endsWith('.description'))).toHaveLength(LIST_ROWS);
  expect(work.get('items.0.safety')).toMatchObject({ kind: 'checkbox', row: 0 });
  // R7: the confirmation call's usual answer is preselected.
  expect(byName('confirmation').get('outcome')).toMatchObject({ value: 'CONFIRMED', required: false });
  // R7: a reschedule moves the booking: its picker does not count the booking's own bay time against it.
  expect(byName('confirmation').get('newBookedFor')).toMatchObject({ books: { moving: true } });
});

test("a form's strings become the body the schema takes: typed, empty fields and rows left out, times in the store's zone", () => {
  const fields = stepForm('additional-work').fields;
  const body = bodyFromFields(
    fields,
    { 'items.0.description': '刹车片磨损', 'items.0.priceCny': '480', 'items.0.safety': 'true', 'items.1.description': ' 雨刮片 ', 'items.1.priceCny': '90', 'items.2.description': '', extraHours: '1.5' },
    480,
  );
  expect(body).toEqual({ items: [{ description: '刹车片磨损', priceCny: 480, safety: true }, { description: '雨刮片', priceCny: 90 }], extraHours: 1.5 });
  expect(stepSchemas.additionalWork.safeParse(body).success).toBe(true);
  expect(bodyFromFields(stepForm('bookings').fields, { channel: 'PHONE', bookedFor: '2027-03-01T09:30', faultDescription: '异响', contactPhone: '13900000000', mileageKm: '' }, 480)).toEqual({
    channel: 'PHONE',
    bookedFor: '2027-03-01T09:30:00+08:00',
    faultDescription: '异响',
    contactPhone: '13900000000',
  });
  expect(bodyFromFields(stepForm('bookings').fields, { bookedFor: '2027-03-01T09:30' }, -420)).toEqual({ bookedFor: '2027-03-01T09:30:00-07:00' });
});

test("a reason about a list's item lands beside the row the person typed it in, empty rows in between or not", () => {
  const fields = stepForm('additional-work').fields;
  const form = { 'items.0.description': '刹车片', 'items.0.priceCny': '480', 'items.2.description': '雨刮片', 'items.2.priceCny': '-1' };
  expect(formFieldOf(fields, form, 'items.1.priceCny')).toBe('items.2.priceCny');
  expect(formFieldOf(fields, form, 'items.0.description')).toBe('items.0.description');
  expect(formFieldOf(fields, form, 'extraHours')).toBe('extraHours');
  expect(formFieldOf(fields, form, 'items')).toBe('items');
});

test('a schema that is not an object has no form', () => {
  expect(() => fieldsOfSchema(z.string())).toThrow('object schema');
});
