// A refusal reads in the page's language: the reasons of the schemas and of the workflow validators in
// Chinese on a Chinese page, never a raw pattern, and a reason beside its field without the field's name.
import { parseInput } from '../../commands/input';
import { issueInChinese, reasonIn } from '../../commands/reasons';
import { registerVehicleSchema, stepSchemas } from '../../commands/schemas';
import { HttpError } from '../../api/httpError';
import * as v from '../../workflows/lifecycle/stepValidation';

const HAN = /\p{Script=Han}/u;

function reasonOf(check: () => void): string {
  try {
    check();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the check passed');
}

const actor = 'sa-1';
const past = '2001-01-01T00:00:00Z';
// Each refusal a person can meet at a step's validator (workflows/lifecycle/stepValidation.ts).
const VALIDATOR_REASONS = [
  () => v.validateCallOutcome({ actor, outcome: 'BOOKED', bookedFor: past }),
  () => v.validateCallOutcome({ actor, outcome: 'BOOKED' }),
  () => v.validateCallOutcome({ actor, outcome: 'DECLINED', bookedFor: '2199-01-01T00:00:00Z' }),
  () => v.validateCallOutcome({ actor, outcome: 'UNREACHABLE', mileageKm: 10 }),
  () => v.validateInboundBooking({ actor, channel: 'PHONE', bookedFor: '2199-01-01T00:00:00Z', faultDescription: '', contactPhone: '13900000000' }),
  () => v.validateInboundBooking({ actor, channel: 'PHONE', bookedFor: '2199-01-01T00:00:00Z', faultDescription: '异响', contactPhone: 'x' }),
  () => v.validateProgressCheck({ actor, onTime: false }),
  () => v.validateDelivery({ actor, amountDueCny: -1, amountPaidCny: 0 }),
  () => v.validateFollowUp({ actor, attitudeScore: 11, qualityScore: 5 }),
  () => v.validateSalesCall({ actor, realReason: '' }),
  () => v.validateConfirmation({ actor, outcome: 'CANCEL' }),
  () => v.validateConfirmation({ actor, outcome: 'CONFIRMED', newBookedFor: '2199-01-01T00:00:00Z' }),
  () => v.validateStaffAssignment({ actor, advisorId: '', advisorName: '', technicianId: 't', technicianName: 'T' }),
  () => v.validateAdditionalWork({ actor, items: [], extraHours: 1 }),
  () => v.validateAdditionalWork({ actor, items: [{ description: '', priceCny: 1 }], extraHours: 1 }),
  () => v.validateCorrection({ actor, action: 'CLOSE', reason: '' }, false, 'IN_SERVICE'),
  () => v.validateCorrection({ actor, action: 'BACK_TO_CONFIRMATION', reason: '客户要求' }, false, 'IN_SERVICE'),
];

test.each(VALIDATOR_REASONS.map((check) => [reasonOf(check)]))('the workflow reason "%s" reads in Chinese', (reason) => {
  const zh = reasonIn('zh', reason);
  expect(zh).toMatch(HAN);
  // No field name (an identifier) is left for a Chinese reader; rule ids and stage names may stay.
  expect(zh).not.toMatch(/\b[a-z]+[A-Z]\w*\b/);
  expect(reasonIn('en', reason)).toBe(reason);
});

function issuesOf(schema: Parameters<typeof parseInput>[0], input: unknown): { path: string; message: string; zh: string }[] {
  try {
    parseInput(schema, input);
  } catch (err) {
    return (err as HttpError).details as { path: string; message: string; zh: string }[];
  }
  throw new Error('the input passed');
}

test('schema refusals carry their Chinese beside the English: the product wording, zod checks in zod Chinese, never a raw pattern', () => {
  const booking = issuesOf(stepSchemas.inboundBooking, { channel: 'FAX', bookedFor: '明天', faultDescription: '', contactPhone: '一三九', mileageKm: -1 });
  expect([...new Set(booking.map((i) => i.path))].sort()).toEqual(['bookedFor', 'channel', 'contactPhone', 'faultDescription', 'mileageKm']);
  for (const issue of booking) expect(issue.zh).toMatch(HAN);
  expect(booking.find((i) => i.path === 'contactPhone')).toEqual({ path: 'contactPhone', message: 'contactPhone must be digits, spaces or dashes', zh: '只能是数字、空格或短横线' });
  expect(booking.find((i) => i.path === 'faultDescription')!.zh).toBe('至少 2 个字');
  expect(booking.map((i) => i.zh).join(' ')).not.toContain('/^');
  const registration = issuesOf(registerVehicleSchema, { vin: 'IOQ', plate: '苏', model: '', storeId: 's', deliveryDate: '2026-02-30', mileageKm: 1.5, customer: { name: '王', phone: '139', birthday: '13-01' } });
  for (const issue of registration) expect({ path: issue.path, zh: issue.zh }).toEqual({ path: issue.path, zh: expect.stringMatching(HAN) });
});

test('a reason the table does not know stays as it is, in either language', () => {
  expect(reasonIn('zh', 'the SMS gateway answered 503')).toBe('the SMS gateway answered 503');
  expect(issueInChinese({ code: 'custom', message: 'a brand-new rule', path: [], input: undefined } as never)).toBe('a brand-new rule');
});
