// Slot search and booking on a large store (40 bays, 60 technicians, a month of bookings) against a real
// PostgreSQL: p50/p99 per search (in memory and over HTTP), per booking over HTTP, and the throughput of
// concurrent bookings. A benchmark, not a test: it never fails on a number. Writes its JSON to bench/results/.
import { Client, Connection } from '@temporalio/client';
import { mkdir, writeFile } from 'node:fs/promises';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { cellsOf } from '../activities/bayReservations';
import { loadOccupations, loadStoreCapacity } from '../activities/capacityModel';
import { createDb, Db } from '../activities/database';
import { createApp } from '../api/app';
import { hashPassword } from '../api/auth/passwords';
import { addDays, localDate, localTime } from '../domain/calendar';
import { jobMinutes } from '../domain/capacity';
import { searchSlots } from '../domain/slotSearch';
import { applyMigrations } from '../runtime/migrate';
import { seedWorkshop, STANDARD_JOB_TYPES } from '../runtime/workshopSeed';
import { startPostgres } from '../tests/support/postgres';

const STORE = 'bench-store';
const OFFSET = 480;
const DAYS = 30;
/** Share of each bay's bookable time filled before measuring: a busy month. */
const FILL = Number(process.env.BENCH_FILL ?? 0.7);
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 300);
const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const CONCURRENT_BOOKINGS = Number(process.env.BENCH_CONCURRENT_BOOKINGS ?? 1000);
const POOL = Number(process.env.BENCH_POOL ?? 10);

// A deterministic generator, so that runs fill the month the same way.
let seed = 42;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const round = (v: number) => Math.round(v * 100) / 100;
  return { n: sorted.length, p50: round(at(0.5)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1]), mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length) };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await fn();
  return [result, performance.now() - t0];
}

/** A month of bookings: each bay filled to FILL of its bookable day with jobs of its kind, on the grid, arrivals staggered. */
async function fillMonth(db: Db, firstDay: string): Promise<{ reservations: number; cells: number }> {
  const bays = await db.bay.findMany({ where: { storeId: STORE }, orderBy: { id: 'asc' } });
  let reservations = 0;
  let cells = 0;
  for (let d = 0; d < DAYS; d++) {
    const date = addDays(firstDay, d);
    const opens = localTime(date, '09:00', OFFSET);
    const closes = localTime(date, '16:30', OFFSET);
    const rows: { id: string; storeId: string; bayId: string; jobTypeCode: string; startsAt: Date; endsAt: Date; status: 'BOOKED'; createdBy: string }[] = [];
    for (const [i, bay] of bays.entries()) {
      const jobs = STANDARD_JOB_TYPES.filter((j) => j.bayKind === bay.kind);
      const budget = 540 * 0.8 * FILL;
      let used = 0;
      let cursor = opens + ((i * 15) % 90) * 60_000;
      for (;;) {
        const job = pick(jobs);
        const minutes = jobMinutes(job, 15);
        const gap = Math.floor(random() * 3) * 15;
        const start = cursor + gap * 60_000;
        if (used + minutes > budget || start > closes || start + minutes * 60_000 > localTime(date, '17:30', OFFSET)) break;
        rows.push({ id: `fill-${date}-${bay.id}-${rows.length}`, storeId: STORE, bayId: bay.id, jobTypeCode: job.code, startsAt: new Date(start), endsAt: new Date(start + minutes * 60_000), status: 'BOOKED', createdBy: 'bench' });
        used += minutes;
        cursor = start + minutes * 60_000;
      }
    }
    await db.bayReservation.createMany({ data: rows });
    const cellRows = rows.flatMap((r) => cellsOf(r.startsAt.getTime(), r.endsAt.getTime()).map((cellStart) => ({ bayId: r.bayId, cellStart, reservationId: r.id })));
    await db.baySlotCell.createMany({ data: cellRows });
    reservations += rows.length;
    cells += cellRows.length;
  }
  return { reservations, cells };
}

async function main() {
  const postgres = process.env.DATABASE_URL ? null : await startPostgres();
  const url = process.env.DATABASE_URL ?? postgres!.url;
  const db = createDb(url, POOL);
  let server: Server | undefined;
  try {
    await applyMigrations(url);
    // Forty bays receive more than two cars per quarter hour; the store's arrival spread (R8) is set for that.
    await db.store.create({ data: { id: STORE, name: 'Benchmark store', settings: { maxArrivalsPerSlot: 8 } } });
    // 40 bays and 60 technicians, open every day.
    await seedWorkshop(db, { storeId: STORE, bays: { QUICK_SERVICE: 8, GENERAL_REPAIR: 26, BODY_PAINT: 6 }, technicians: { QUICK_SERVICE: 12, GENERAL_REPAIR: 38, BODY_PAINT: 10 } });
    const firstDay = addDays(localDate(Date.now(), OFFSET), 1);
    const [filled, fillMs] = await timed(() => fillMonth(db, firstDay));
    console.error(`filled ${filled.reservations} bookings (${filled.cells} slot cells) in ${Math.round(fillMs)} ms`);

    const capacity = (await loadStoreCapacity(db, STORE))!;
    const monthStart = new Date(localTime(firstDay, '00:00', OFFSET));
    const monthEnd = new Date(localTime(addDays(firstDay, DAYS), '00:00', OFFSET));
    const occupations = await loadOccupations(db, STORE, monthStart, monthEnd, new Date());
    const jobCodes = STANDARD_JOB_TYPES.map((j) => j.code);
    const request = (span: number) => {
      const from = addDays(firstDay, Math.floor(random() * (DAYS - span)));
      return { jobTypeCode: pick(jobCodes), from, to: addDays(from, span - 1), preference: { time: pick(['09:30', '10:00', '14:00', '15:30']) }, notBefore: Date.now(), limit: 5 };
    };

    const inMemory: Record<string, ReturnType<typeof percentiles>> = {};
    for (const span of [1, 7, 30]) {
      for (let i = 0; i < 20; i++) searchSlots(capacity.model, occupations, request(span), capacity.settings);
      const samples: number[] = [];
      for (let i = 0; i < SEARCHES; i++) {
        const r = request(span);
        const t0 = performance.now();
        searchSlots(capacity.model, occupations, r, capacity.settings);
        samples.push(performance.now() - t0);
      }
      inMemory[`${span}d`] = percentiles(samples);
    }

    const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    server = createApp({ client, db }).listen(0, '127.0.0.1');
    await new Promise((r) => server!.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The desks sign in as a booking specialist of the store, once; every request carries the token.
    await db.staff.create({ data: { id: 'bench', storeId: STORE, name: 'bench', role: 'BOOKING_SPECIALIST', passwordHash: await hashPassword('bench-password') } });
    const signedIn = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ staffId: 'bench', password: 'bench-password' }) });
    const authorization = `Bearer ${((await signedIn.json()) as { token: string }).token}`;
    const searchUrl = (span: number) => {
      const r = request(span);
      return `${base}/api/stores/${STORE}/slots?jobType=${r.jobTypeCode}&from=${r.from}&to=${r.to}&time=${r.preference.time}&limit=5`;
    };
    const book = (jobType: string, start: string) =>
      fetch(`${base}/api/stores/${STORE}/holds`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ jobType, start, book: true }) });

    const httpSearch: Record<string, ReturnType<typeof percentiles>> = {};
    for (const span of [1, 7]) {
      const samples: number[] = [];
      for (let i = 0; i < SEARCHES; i++) {
        const [res, ms] = await timed(() => fetch(searchUrl(span), { headers: { authorization } }));
        await res.json();
        samples.push(ms);
      }
      httpSearch[`${span}d`] = percentiles(samples);
    }

    // Sequential bookings: each takes the best slot a 1-day search offered.
    const bookingSamples: number[] = [];
    let sequentialRefused = 0;
    for (let i = 0; i < BOOKINGS; i++) {
      const r = request(1);
      const found = (await (await fetch(`${base}/api/stores/${STORE}/slots?jobType=${r.jobTypeCode}&from=${r.from}&to=${r.to}&limit=1`, { headers: { authorization } })).json()) as { offered: { start: string }[] };
      if (found.offered.length === 0) continue;
      const [res, ms] = await timed(() => book(r.jobTypeCode, found.offered[0].start));
      await res.json();
      if (res.status !== 201) sequentialRefused++;
      bookingSamples.push(ms);
    }

    // Concurrent desks: CONCURRENCY clients book the same two weeks at once, each search → book, one retry
    // with the next free slot on a 409.
    const hotDays = Array.from({ length: 14 }, (_, i) => addDays(firstDay, 3 + i));
    let next = 0;
    const outcome = { booked: 0, conflicts: 0, retriedBooked: 0, gaveUp: 0 };
    const latencies: number[] = [];
    const desk = async () => {
      while (next++ < CONCURRENT_BOOKINGS) {
        const jobType = pick(['QUICK_SERVICE', 'PERIODIC_MAINTENANCE', 'GENERAL_REPAIR']);
        const day = pick(hotDays);
        const found = (await (await fetch(`${base}/api/stores/${STORE}/slots?jobType=${jobType}&from=${day}&to=${day}&time=10:00&limit=1`, { headers: { authorization } })).json()) as { offered: { start: string }[] };
        if (found.offered.length === 0) {
          outcome.gaveUp++;
          continue;
        }
        const [res, ms] = await timed(() => book(jobType, found.offered[0].start));
        const body = (await res.json()) as { nextFree?: { start: string }[] };
        latencies.push(ms);
        if (res.status === 201) {
          outcome.booked++;
          continue;
        }
        outcome.conflicts++;
        if (!body.nextFree?.length) {
          outcome.gaveUp++;
          continue;
        }
        const [retry, retryMs] = await timed(() => book(jobType, body.nextFree![0].start));
        await retry.json();
        latencies.push(retryMs);
        if (retry.status === 201) outcome.retriedBooked++;
        else outcome.gaveUp++;
      }
    };
    const [, concurrentMs] = await timed(() => Promise.all(Array.from({ length: CONCURRENCY }, desk)));

    // A storm on one slot: 50 desks want the same bay at the same time; one wins.
    const stormBay = `${STORE}-general-1`;
    const stormFound = (await (await fetch(`${base}/api/stores/${STORE}/slots?jobType=PERIODIC_MAINTENANCE&from=${addDays(firstDay, 20)}&to=${addDays(firstDay, 25)}&limit=1`, { headers: { authorization } })).json()) as { offered: { start: string; bayId: string }[] };
    const stormStart = stormFound.offered[0].start;
    const [stormStatuses, stormMs] = await timed(() =>
      Promise.all(
        Array.from({ length: 50 }, () =>
          fetch(`${base}/api/stores/${STORE}/holds`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ jobType: 'PERIODIC_MAINTENANCE', start: stormStart, bayId: stormFound.offered[0].bayId ?? stormBay, book: true }) }).then(async (r) => (await r.json(), r.status)),
        ),
      ),
    );

    // The database's guarantee, checked after the storm: no bay has two reservations in force at one time.
    const overlaps = await db.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM "BayReservation" a JOIN "BayReservation" b
         ON a."bayId" = b."bayId" AND a.id < b.id AND a."startsAt" < b."endsAt" AND b."startsAt" < a."endsAt"
       WHERE a."storeId" = $1 AND a.status = 'BOOKED' AND b.status = 'BOOKED'`,
      STORE,
    );

    const result = {
      benchmark: 'slotSearch',
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, database: process.env.DATABASE_URL ? 'DATABASE_URL' : 'PostgreSQL 15 (throw-away cluster, fsync off)' },
      store: { bays: 40, technicians: 60, days: DAYS, fill: FILL, bookings: filled.reservations, slotCells: filled.cells, fillMs: Math.round(fillMs) },
      searchInMemoryMs: inMemory,
      searchHttpMs: httpSearch,
      bookingHttpMs: { ...percentiles(bookingSamples), refused: sequentialRefused },
      concurrentBookings: {
        concurrency: CONCURRENCY,
        pool: POOL,
        attempts: latencies.length,
        ...outcome,
        seconds: Math.round(concurrentMs) / 1000,
        bookedPerSecond: Math.round(((outcome.booked + outcome.retriedBooked) / (concurrentMs / 1000)) * 10) / 10,
        bookingLatencyMs: percentiles(latencies),
        overlappingBookingsAfter: Number(overlaps[0].n),
      },
      oneSlotStorm: { requests: 50, won: stormStatuses.filter((s) => s === 201).length, conflicts: stormStatuses.filter((s) => s === 409).length, allAnsweredMs: Math.round(stormMs) },
    };
    console.log(JSON.stringify(result, null, 2));
    const dir = path.join(__dirname, 'results');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `slotSearch-${result.at.replace(/[:.]/g, '-')}.json`), JSON.stringify(result, null, 2));
  } finally {
    server?.close();
    await db.$disconnect();
    await postgres?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
