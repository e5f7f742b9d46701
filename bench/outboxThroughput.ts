// Outbox throughput on the embedded stack `npm start` runs (PGlite, one connection): how fast the real
// activity queues messages, and how fast the sender delivers them to a real SMTP server and an HTTP SMS
// gateway on loopback. Run: npm run bench:outbox (BENCH_OUTBOX_VEHICLES=300: an e-mail and an SMS each).
// With DATABASE_URL it measures that PostgreSQL instead, with BENCH_OUTBOX_SENDERS senders side by side.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createActivities } from '../activities';
import { createDb } from '../activities/database';
import { createDispatcher } from '../notifications/dispatcher';
import { startEmbeddedDatabase } from '../runtime/embeddedDatabase';
import { applyMigrations } from '../runtime/migrate';
import { startHookServer, startSmtpSink } from '../tests/support/messageSinks';

const VEHICLES = Number(process.env.BENCH_OUTBOX_VEHICLES ?? 300);
const SENDERS = Number(process.env.BENCH_OUTBOX_SENDERS ?? 1);
const STORE = 'bench-store';

function vin(i: number): string {
  return `LSVBENCH${String(i).padStart(9, '0')}`;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'service-lane-outbox-bench-'));
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedDatabase(dir);
  const url = process.env.DATABASE_URL ?? embedded!.url;
  const pool = embedded ? 1 : 4;
  const [smtp, hooks] = await Promise.all([startSmtpSink(), startHookServer()]);
  const db = createDb(url, pool);
  try {
    await applyMigrations(url);
    await db.store.create({ data: { id: STORE, name: 'Bench store', timeZone: 'Asia/Shanghai', settings: { messageStartTime: '00:00', messageEndTime: '23:59' } } });
    await db.storeChannel.createMany({
      data: [
        { storeId: STORE, channel: 'EMAIL', config: { url: smtp.url, from: 'bench@store.example' }, updatedBy: 'bench' },
        { storeId: STORE, channel: 'SMS', config: { url: `${hooks.url}/sms` }, updatedBy: 'bench' },
      ],
    });
    for (let i = 0; i < VEHICLES; i++) {
      const customer = await db.customer.create({ data: { storeId: STORE, name: `客户${i}`, phone: `139${String(i).padStart(8, '0')}`, email: `c${i}@bench.example` } });
      await db.vehicle.create({
        data: { vin: vin(i), plate: `苏F${String(i).padStart(5, '0')}`, model: 'Lavida', storeId: STORE, customerId: customer.id, deliveryDate: new Date('2025-06-01'), mileageKm: 9000, mileageRecordedAt: new Date(), avgDailyKm: 40, workflowId: `vehicle-${vin(i)}` },
      });
    }

    const acts = createActivities(db);
    const queueStart = performance.now();
    for (let i = 0; i < VEHICLES; i++) {
      const ctx = { workflowId: `vehicle-${vin(i)}`, runId: 'bench', vin: vin(i), cycle: 1, at: new Date().toISOString() };
      await acts.queueCustomerMessage(ctx, { template: 'pickup-notice', rule: 'R15', customer: { name: `客户${i}`, phone: `139${String(i).padStart(8, '0')}`, email: `c${i}@bench.example` }, payload: { plate: `苏F${String(i).padStart(5, '0')}`, readyAt: new Date(Date.now() + 3_600_000).toISOString() } });
    }
    const queueMs = performance.now() - queueStart;
    const messages = VEHICLES * 2;

    const dbs = embedded ? [db] : Array.from({ length: SENDERS }, () => createDb(url, 2));
    const senders = dbs.map((d) => createDispatcher({ db: d, log: () => undefined }));
    const sendStart = performance.now();
    await Promise.all(senders.map(async (s) => {
      while ((await s.runOnce()) > 0);
    }));
    const sendMs = performance.now() - sendStart;
    senders.forEach((s) => s.close());
    await Promise.all(dbs.filter((d) => d !== db).map((d) => d.$disconnect()));

    const sent = await db.notification.count({ where: { status: 'SENT' } });
    const received = { mails: smtp.mails.length, sms: hooks.requests.filter((r) => r.path === '/sms').length };
    const result = {
      at: new Date().toISOString(),
      database: embedded ? 'PGlite (embedded, 1 connection)' : `PostgreSQL, ${dbs.length} sender(s)`,
      messages,
      queue: { ms: Math.round(queueMs), perSecond: Math.round((VEHICLES / queueMs) * 1000 * 10) / 10, note: 'queueCustomerMessage calls (2 rows each)' },
      send: { ms: Math.round(sendMs), perSecond: Math.round((messages / sendMs) * 1000 * 10) / 10 },
      sent,
      received,
    };
    console.log(JSON.stringify(result, null, 2));
    if (sent !== messages || received.mails !== VEHICLES || received.sms !== VEHICLES) console.error('MISMATCH: not every message arrived exactly once');
    await mkdir(path.join(__dirname, 'results'), { recursive: true });
    await writeFile(path.join(__dirname, 'results', `outbox-${Date.now()}.json`), JSON.stringify(result, null, 2));
  } finally {
    await db.$disconnect();
    await Promise.all([smtp.close(), hooks.close()]);
    await embedded?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
