import { stepInputRefusal } from '../../commands/lifecycleSteps';
import { DEFAULT_STORE_SETTINGS } from '../../domain/storeSettings';

// What the scenario runner checks of a script's step, as the store's doors do (commands/ schemas, R5 hours).
const hours = { ...DEFAULT_STORE_SETTINGS, openingHours: [], holidays: [] };
const NOW = Date.parse('2026-12-07T02:00:00Z'); // 10:00 in Shanghai

test('R5: a scripted booking outside the store hours is refused as at the door', () => {
  const booking = (bookedFor: string) => ({ actor: 'web', channel: 'WEB', bookedFor, faultDescription: '保养', contactPhone: '13800000000' });
  expect(stepInputRefusal('bookInbound', booking('2026-12-08T03:00:00+08:00'), NOW, hours)).toBe("2026-12-08 03:00 is outside the store's hours (09:00–18:00)");
  expect(stepInputRefusal('bookInbound', booking('2026-12-08T10:00:00+08:00'), NOW, hours)).toBeUndefined();
});

test("a scripted step's input goes through the command's schema", () => {
  expect(stepInputRefusal('recordCallOutcome', { actor: 'cr', outcome: 'MAYBE' }, NOW, hours)).toMatch(/^outcome: /);
  expect(stepInputRefusal('recordSalesCall', { actor: 'sc', realReason: '没有\u0000预约' }, NOW, hours)).toBe('realReason: must not contain control characters');
  expect(stepInputRefusal('answerFailureTicket', { actor: 'sup', answer: 'x' }, NOW, hours)).toBeUndefined();
});
