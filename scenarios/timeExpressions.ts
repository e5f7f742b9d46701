import { addDays, CalendarDate, HOUR_MS, localDate, localTime } from '../domain/calendar';

export interface TimeAnchors {
  now: number;
  dueDate?: CalendarDate;
  bookedFor?: number;
  utcOffsetMinutes: number;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: HOUR_MS, d: 24 * HOUR_MS };

/** Resolves a script's time expression (see scenario.ts) to an ISO instant; other strings pass through. */
export function resolveTime(expr: string, a: TimeAnchors): string {
  const relative = /^now([+-]\d+(?:\.\d+)?)([mhd])$/.exec(expr);
  if (relative) return new Date(a.now + Number(relative[1]) * UNIT_MS[relative[2]]).toISOString();
  const onDay = /^(due|booked|now)([+-]\d+)d@(\d{2}:\d{2})$/.exec(expr);
  if (onDay) {
    const base = onDay[1] === 'due' ? a.dueDate : onDay[1] === 'now' ? localDate(a.now, a.utcOffsetMinutes) : a.bookedFor !== undefined ? localDate(a.bookedFor, a.utcOffsetMinutes) : undefined;
    if (!base) throw new Error(`${expr}: no ${onDay[1]} date is known yet at this step`);
    return new Date(localTime(addDays(base, Number(onDay[2])), onDay[3], a.utcOffsetMinutes)).toISOString();
  }
  return expr;
}

/** Applies resolveTime to every string value of a step's input. */
export function resolveInput(input: Record<string, unknown>, a: TimeAnchors): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, typeof v === 'string' ? resolveTime(v, a) : v]));
}

export function durationMs(expr: string): number {
  const m = /^(\d+(?:\.\d+)?)([mhd])$/.exec(expr);
  if (!m) throw new Error(`not a duration (e.g. 30m, 2h, 3d): ${expr}`);
  return Number(m[1]) * UNIT_MS[m[2]];
}
