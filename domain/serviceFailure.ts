// R18 / R19 / R24: when a follow-up becomes a service-failure ticket, who owns it, and how it climbs.
import { addDays, localDate, localTime } from './calendar';
import { StoreSettings } from './storeSettings';
import { addWorkingHours, WorkingHours } from './workingHours';

export type FailureGrade = 'A' | 'B' | 'C' | 'D';
export type EscalationRole = 'SERVICE_ADVISOR' | 'SERVICE_SUPERVISOR' | 'SERVICE_MANAGER' | 'CUSTOMER_MANAGER' | 'GENERAL_MANAGER';

export interface EscalationLevel {
  roles: EscalationRole[];
  /** R18: points a level loses when the ticket leaves it unanswered. */
  latePenaltyPoints: number;
}

/** R18: any CSI score below 8 opens a service-failure remedy ticket. */
export function needsFailureTicket(scores: number[], s: StoreSettings): boolean {
  return scores.some((score) => score < s.failureScoreBelow);
}

/** R19: a first-service customer is fully satisfied only with top scores. */
export function fullySatisfied(scores: number[]): boolean {
  return scores.every((score) => score === 10);
}

/**
 * R18 grade: the CR's own grading wins; without it a very low score (≤ 4) is a major dissatisfaction (C),
 * otherwise general (D). R24: a quality incident with a loss over 20,000 CNY is a crisis (A).
 */
export function failureGrade(scores: number[], s: StoreSettings, declared?: FailureGrade, qualityLossCny = 0): FailureGrade {
  if (qualityLossCny > s.majorQualityLossCny) return 'A';
  if (declared) return declared;
  return Math.min(...scores) <= 4 ? 'C' : 'D';
}

const SA: EscalationLevel = { roles: ['SERVICE_ADVISOR'], latePenaltyPoints: 10 };
const SUPERVISOR: EscalationLevel = { roles: ['SERVICE_SUPERVISOR'], latePenaltyPoints: 20 };
const MANAGERS: EscalationLevel = { roles: ['SERVICE_MANAGER', 'CUSTOMER_MANAGER'], latePenaltyPoints: 25 };
const GENERAL_MANAGER: EscalationLevel = { roles: ['GENERAL_MANAGER'], latePenaltyPoints: 25 };

/**
 * R18: who answers first, and where an unanswered ticket goes next. D starts with the SA, C with the
 * supervisor, B with the service manager, A with the general manager and service manager together.
 */
export function escalationLadder(grade: FailureGrade): EscalationLevel[] {
  switch (grade) {
    case 'D':
      return [SA, SUPERVISOR, MANAGERS, GENERAL_MANAGER];
    case 'C':
      return [SUPERVISOR, MANAGERS, GENERAL_MANAGER];
    case 'B':
      return [{ roles: ['SERVICE_MANAGER'], latePenaltyPoints: 25 }, GENERAL_MANAGER];
    case 'A':
      return [{ roles: ['GENERAL_MANAGER', 'SERVICE_MANAGER'], latePenaltyPoints: 25 }];
  }
}

/**
 * How long a level has to answer: the SA of a D ticket by the end of the next day (R18), every other
 * level the store's answer hours (R24: 24 hours) — counted in the store's working hours when they are
 * known, so a ticket does not climb the ladder overnight or over a closed weekend.
 */
export function answerDeadline(fromMs: number, grade: FailureGrade, levelIndex: number, s: StoreSettings, hours?: WorkingHours): number {
  if (grade === 'D' && levelIndex === 0) {
    return localTime(addDays(localDate(fromMs, s.utcOffsetMinutes), 1), s.contactEndTime, s.utcOffsetMinutes);
  }
  return hours ? addWorkingHours(fromMs, s.failureAnswerHours, hours) : fromMs + s.failureAnswerHours * 3_600_000;
}
