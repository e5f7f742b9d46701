// A small workshop for the capacity and slot rules' tests: 2026-11-23 is a Monday, 2026-11-25 a holiday.
import { CapacityModel } from '../../domain/capacity';

export const MONDAY = '2026-11-23';

export const workshop: CapacityModel = {
  utcOffsetMinutes: 480,
  // Monday to Saturday 08:30–17:30 (9 hours); closed on Sundays.
  openingHours: [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opensAt: '08:30', closesAt: '17:30' })),
  holidays: ['2026-11-25'],
  bays: [
    { id: 'quick-1', kind: 'QUICK_SERVICE' },
    { id: 'general-1', kind: 'GENERAL_REPAIR' },
    { id: 'general-2', kind: 'GENERAL_REPAIR' },
    { id: 'paint-1', kind: 'BODY_PAINT' },
  ],
  technicians: [
    { id: 'tech-a', skills: ['QUICK_SERVICE', 'GENERAL_REPAIR'], shifts: [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '08:00', end: '17:30' })) },
    { id: 'tech-b', skills: ['GENERAL_REPAIR'], shifts: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:30', end: '13:30' })) },
    { id: 'tech-c', skills: ['BODY_PAINT'], shifts: [{ weekday: 1, start: '08:30', end: '17:30' }] },
  ],
  jobTypes: [
    { code: 'OIL', name: 'Oil change', standardHours: 0.5, bayKind: 'QUICK_SERVICE' },
    { code: 'PERIODIC_MAINTENANCE', name: 'Periodic maintenance', standardHours: 1.2, bayKind: 'GENERAL_REPAIR' },
    { code: 'PAINT', name: 'Panel paint', standardHours: 6, bayKind: 'BODY_PAINT' },
  ],
};
