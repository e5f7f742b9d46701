// R25 a fleet asks at least 24 h ahead and the store answers within 24 h: the fleet's clock hours.
import { HOUR_MS } from '../../domain/calendar';
import { fleetAnswerDeadline, isAnswerOverdue, leadTimeShortfall } from '../../domain/fleetRequest';

const received = Date.parse('2026-12-11T10:00:00Z');

describe('R25 lead time of a fleet request', () => {
  test('exactly 24 hours ahead is early enough', () => {
    expect(leadTimeShortfall(received, received + 24 * HOUR_MS)).toBeUndefined();
  });

  test('a minute short of 24 hours is refused with the rule named', () => {
    expect(leadTimeShortfall(received, received + 24 * HOUR_MS - 60_000)).toBe('a fleet request must come at least 24 hours before the requested service time (R25)');
  });

  test('a time already past is refused too', () => {
    expect(leadTimeShortfall(received, received - HOUR_MS)).toMatch(/R25/);
  });
});

describe('R25 answer deadline', () => {
  test('24 clock hours after receipt, over a weekend night as well (a Friday-evening request is answered by Saturday evening)', () => {
    const friday = Date.parse('2026-12-11T11:00:00Z'); // 19:00 in Shanghai
    expect(fleetAnswerDeadline(friday)).toBe(Date.parse('2026-12-12T11:00:00Z'));
  });

  test('overdue only while unanswered and after the deadline', () => {
    const answerBy = new Date(fleetAnswerDeadline(received));
    expect(isAnswerOverdue({ answeredAt: null, answerBy }, answerBy.getTime())).toBe(false);
    expect(isAnswerOverdue({ answeredAt: null, answerBy }, answerBy.getTime() + 1)).toBe(true);
    expect(isAnswerOverdue({ answeredAt: new Date(received + HOUR_MS), answerBy }, answerBy.getTime() + 1)).toBe(false);
  });
});
