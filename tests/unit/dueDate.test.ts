import { averageDailyKm, cycleDueDate, CycleFacts, DueDateFacts, nextDueDate } from '../../domain/dueDate';

/** A car delivered 2025-10-01, last serviced 2026-01-10 at 10,000 km, on a 6-month / 5,000 km plan. */
const serviced: DueDateFacts = {
  deliveryDate: '2025-10-01',
  lastServiceDate: '2026-01-10',
  lastServiceKm: 10_000,
  mileageKm: 10_000,
  mileageRecordedOn: '2026-01-10',
  avgDailyKm: 20,
  intervalMonths: 6,
  intervalKm: 5_000,
  firstServiceWithinMonths: 3,
};

/** A new car delivered 2026-01-31 that has not had its first service. */
const brandNew: DueDateFacts = {
  deliveryDate: '2026-01-31',
  mileageKm: 0,
  mileageRecordedOn: '2026-01-31',
  avgDailyKm: 10,
  intervalMonths: 6,
  intervalKm: 5_000,
  firstServiceWithinMonths: 3,
};

describe('nextDueDate', () => {
  it('R1: due by time when the odometer will not reach the interval first', () => {
    // 5,000 km at 20 km/day = 250 days; 6 months = 2026-07-10
    expect(nextDueDate(serviced)).toEqual({ dueDate: '2026-07-10', reason: 'time' });
  });

  it('R1: due by mileage when the odometer reaches the interval first', () => {
    // 5,000 km at 50 km/day = 100 days after 2026-01-10
    expect(nextDueDate({ ...serviced, avgDailyKm: 50 })).toEqual({ dueDate: '2026-04-20', reason: 'mileage' });
  });

  it('R1: mileage is projected from the newest odometer reading', () => {
    // 15,000 - 12,000 = 3,000 km at 30 km/day = 100 days after 2026-03-01
    const due = nextDueDate({ ...serviced, mileageKm: 12_000, mileageRecordedOn: '2026-03-01', avgDailyKm: 30 });
    expect(due).toEqual({ dueDate: '2026-06-09', reason: 'mileage' });
  });

  it('R1: a part day of driving counts as a whole day', () => {
    // 5,000 km at 45 km/day = 111.1 → 112 days after 2026-01-10
    expect(nextDueDate({ ...serviced, avgDailyKm: 45 })).toEqual({ dueDate: '2026-05-02', reason: 'mileage' });
  });

  it('R1: mileage already past the interval is due on the day of the reading', () => {
    const due = nextDueDate({ ...serviced, mileageKm: 15_500, mileageRecordedOn: '2026-05-20' });
    expect(due).toEqual({ dueDate: '2026-05-20', reason: 'mileage' });
  });

  it('R1: mileage exactly at the interval is due on the day of the reading', () => {
    const due = nextDueDate({ ...serviced, mileageKm: 15_000, mileageRecordedOn: '2026-05-20' });
    expect(due).toEqual({ dueDate: '2026-05-20', reason: 'mileage' });
  });

  it('R1: zero daily km leaves only the time limit', () => {
    expect(nextDueDate({ ...serviced, avgDailyKm: 0 })).toEqual({ dueDate: '2026-07-10', reason: 'time' });
  });

  it('R1: zero daily km with the interval already passed is due on the day of the reading', () => {
    const due = nextDueDate({ ...serviced, avgDailyKm: 0, mileageKm: 16_000, mileageRecordedOn: '2026-04-01' });
    expect(due).toEqual({ dueDate: '2026-04-01', reason: 'mileage' });
  });

  it('R1: the time limit clamps to the month end (Aug 31 + 6 months)', () => {
    const facts = { ...serviced, lastServiceDate: '2025-08-31', mileageRecordedOn: '2025-08-31', avgDailyKm: 0 };
    expect(nextDueDate(facts)).toEqual({ dueDate: '2026-02-28', reason: 'time' });
  });

  it('R1: the time limit lands on Feb 29 in a leap year', () => {
    const facts = { ...serviced, lastServiceDate: '2023-08-31', mileageRecordedOn: '2023-08-31', avgDailyKm: 0 };
    expect(nextDueDate(facts)).toEqual({ dueDate: '2024-02-29', reason: 'time' });
  });

  it('R1b: first service within 3 months of delivery whatever the mileage', () => {
    // Jan 31 + 3 months clamps to Apr 30; 6 months would be Jul 31, 5,000 km at 10 km/day 500 days
    expect(nextDueDate(brandNew)).toEqual({ dueDate: '2026-04-30', reason: 'first-service' });
  });

  it('R1b: first service within 3 months even when the car is not driven', () => {
    expect(nextDueDate({ ...brandNew, avgDailyKm: 0 })).toEqual({ dueDate: '2026-04-30', reason: 'first-service' });
  });

  it('R1b: the 3-month limit ends on Feb 29 in a leap year', () => {
    const facts = { ...brandNew, deliveryDate: '2023-11-30', mileageRecordedOn: '2023-11-30' };
    expect(nextDueDate(facts)).toEqual({ dueDate: '2024-02-29', reason: 'first-service' });
  });

  it('R1b: a heavily driven new car is due earlier by mileage, counted from 0 km', () => {
    // 5,000 km at 100 km/day = 50 days after 2026-01-31
    expect(nextDueDate({ ...brandNew, avgDailyKm: 100 })).toEqual({ dueDate: '2026-03-22', reason: 'mileage' });
  });

  it('R1b: the store can change the first-service limit', () => {
    expect(nextDueDate({ ...brandNew, firstServiceWithinMonths: 2 })).toEqual({ dueDate: '2026-03-31', reason: 'first-service' });
  });

  it('R1b: no longer applies once the car has had a service', () => {
    // delivered 2025-10-01: a first-service limit would be 2026-01-01, but the car was serviced
    expect(nextDueDate({ ...serviced, avgDailyKm: 0 })).toEqual({ dueDate: '2026-07-10', reason: 'time' });
  });
});

describe('averageDailyKm', () => {
  it('R1: the car\'s own history gives the daily mileage', () => {
    expect(averageDailyKm('2026-01-01', 3_650, '2027-01-01', 40)).toBe(10);
    expect(averageDailyKm('2026-03-01', 700, '2026-03-15', 40)).toBe(50);
  });

  it('R1: a car with under 14 days of history uses the store default', () => {
    expect(averageDailyKm('2026-03-01', 700, '2026-03-14', 40)).toBe(40);
    expect(averageDailyKm('2026-03-01', 700, '2026-03-01', 40)).toBe(40);
  });

  it('R1: a car with no mileage yet uses the store default', () => {
    expect(averageDailyKm('2026-01-01', 0, '2026-06-01', 35)).toBe(35);
  });
});

describe('cycleDueDate', () => {
  /** Delivered 2025-10-01, serviced 2026-01-10 at 10,000 km, now at 12,000 km on 2026-03-01; 6 months / 5,000 km. */
  const cycle: CycleFacts = {
    deliveryDate: '2025-10-01',
    lastServiceDate: '2026-01-10',
    lastServiceKm: 10_000,
    mileageKm: 12_000,
    mileageRecordedOn: '2026-03-01',
    intervalMonths: 6,
    intervalKm: 5_000,
    newCarDailyKm: 40,
    firstServiceWithinMonths: 3,
  };

  it('R1: dates the cycle from the last service at the car’s own average daily mileage', () => {
    // 12,000 km in 151 days ≈ 79.5 km/day; 3,000 km left → 38 days after 2026-03-01
    expect(cycleDueDate(cycle)).toEqual({ dueDate: '2026-04-08', reason: 'mileage', avgDailyKm: 12_000 / 151 });
  });

  it('R1b: a car never serviced is due within the first-service months of delivery', () => {
    const brandNewCar = { ...cycle, lastServiceDate: undefined, lastServiceKm: undefined, deliveryDate: '2026-02-20', mileageKm: 300 };
    expect(cycleDueDate(brandNewCar)).toMatchObject({ dueDate: '2026-05-20', reason: 'first-service', avgDailyKm: 40 });
  });

  it('R1: after a cycle closed without service, the next counts one interval from the skipped due date', () => {
    const declined = { ...cycle, skippedDueDate: '2026-07-10' };
    // 6 months from 2026-07-10 → 2027-01-10; the 5,000 km count from today's 12,000 km (not the 10,000 of the
    // last service) at ≈79.5 km/day → 63 days after 2026-03-01: later than the 2026-04-08 without the skip
    expect(cycleDueDate(declined)).toMatchObject({ dueDate: '2026-05-03', reason: 'mileage' });
  });
});
