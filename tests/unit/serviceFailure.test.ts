import { answerDeadline, escalationLadder, failureGrade, fullySatisfied, needsFailureTicket } from '../../domain/serviceFailure';
import { DEFAULT_STORE_SETTINGS as s } from '../../domain/storeSettings';

describe('service failure rules', () => {
  it('R18: any score below 8 opens a ticket; 8 and above do not', () => {
    expect(needsFailureTicket([10, 7], s)).toBe(true);
    expect(needsFailureTicket([8, 9], s)).toBe(false);
  });
  it('R18: the CR grade wins; otherwise ≤ 4 is C and the rest D', () => {
    expect(failureGrade([6, 9], s)).toBe('D');
    expect(failureGrade([3, 9], s)).toBe('C');
    expect(failureGrade([6, 9], s, 'B')).toBe('B');
  });
  it('R24: a quality loss over 20,000 CNY is a crisis whatever the scores', () => {
    expect(failureGrade([9, 9], s, 'D', 20001)).toBe('A');
    expect(failureGrade([6, 9], s, undefined, 20000)).toBe('D');
  });
  it('R18: a D ticket climbs SA → supervisor → service + customer manager → general manager, with 10/20/25 points', () => {
    expect(escalationLadder('D').map((l) => [l.roles.join('+'), l.latePenaltyPoints])).toEqual([
      ['SERVICE_ADVISOR', 10],
      ['SERVICE_SUPERVISOR', 20],
      ['SERVICE_MANAGER+CUSTOMER_MANAGER', 25],
      ['GENERAL_MANAGER', 25],
    ]);
  });
  it('R18: A starts with the general manager and the service manager, B with the service manager, C with the supervisor', () => {
    expect(escalationLadder('A')[0].roles).toEqual(['GENERAL_MANAGER', 'SERVICE_MANAGER']);
    expect(escalationLadder('B')[0].roles).toEqual(['SERVICE_MANAGER']);
    expect(escalationLadder('C')[0].roles).toEqual(['SERVICE_SUPERVISOR']);
  });
  it('R18: the SA answers a D ticket by the end of the next day (18:00 local)', () => {
    expect(new Date(answerDeadline(Date.parse('2026-12-01T02:00:00Z'), 'D', 0, s)).toISOString()).toBe('2026-12-02T10:00:00.000Z');
  });
  it('R24: every other level has 24 hours', () => {
    expect(new Date(answerDeadline(Date.parse('2026-12-01T02:00:00Z'), 'D', 1, s)).toISOString()).toBe('2026-12-02T02:00:00.000Z');
    expect(new Date(answerDeadline(Date.parse('2026-12-01T02:00:00Z'), 'A', 0, s)).toISOString()).toBe('2026-12-02T02:00:00.000Z');
  });
  it('R19: only top scores are fully satisfied', () => {
    expect(fullySatisfied([10, 10])).toBe(true);
    expect(fullySatisfied([10, 9])).toBe(false);
  });
});
