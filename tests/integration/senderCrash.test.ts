// Exactly-once effect of the outbox: a sender killed in the middle of a send (the SMTP server holds the
// message's DATA without answering) leaves the row leased; the sender started after it takes the row
// over when the lease runs out and the customer receives exactly one mail. Two senders running at once
// never take the same row.
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createActivities } from '../../activities';
import { createDb, Db } from '../../activities/database';
import { createDispatcher } from '../../notifications/dispatcher';
import { messageIdFor } from '../../notifications/transports/transport';
import { applyMigrations } from '../../runtime/migrate';
import { SmtpSink, startSmtpSink } from '../support/messageSinks';
import { startPostgres, TestPostgres } from '../support/postgres';

const ROOT = path.resolve(__dirname, '../..');
const STORE = 'store-crash';
const VIN = 'LSVCRASH000000001';

let postgres: TestPostgres;
let db: Db;
let smtp: SmtpSink;
const children: ChildProcess[] = [];

beforeAll(async () => {
  [postgres, smtp] = await Promise.all([startPostgres(), startSmtpSink({ holdData: true })]);
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  // Contact hours around the clock: the sender child runs on the real clock.
  await db.store.create({ data: { id: STORE, name: 'Crash store', timeZone: 'Asia/Shanghai', settings: { messageStartTime: '00:00', messageEndTime: '23:59' } } });
  await db.storeChannel.create({ data: { storeId: STORE, channel: 'EMAIL', config: { url: smtp.url, from: 'service@crash.example' }, updatedBy: 'it' } });
  const customer = await db.customer.create({ data: { storeId: STORE, name: 'Ms Liu', phone: '13900000077', email: 'liu@example.com', locale: 'en' } });
  await db.vehicle.create({
    data: { vin: VIN, plate: '苏F77777', model: 'Lavida', storeId: STORE, customerId: customer.id, deliveryDate: new Date('2025-06-01'), mileageKm: 9000, mileageRecordedAt: new Date(), avgDailyKm: 40, workflowId: `vehicle-${VIN}` },
  });
}, 120_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await db?.$disconnect();
  await Promise.all([smtp?.close(), postgres?.stop()]);
});

function startSender(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'notifications/senderMain.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: postgres.url, OUTBOX_LEASE_MS: '3000', OUTBOX_POLL_MS: '200' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.resume();
  child.stderr?.resume();
  children.push(child);
  return child;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('R15: a sender killed while the SMTP server holds the DATA; after a restart exactly one mail arrives', async () => {
  const acts = createActivities(db);
  const ctx = { workflowId: `vehicle-${VIN}`, runId: 'run-1', vin: VIN, cycle: 1, at: new Date().toISOString() };
  await acts.queueCustomerMessage(ctx, { template: 'pickup-notice', rule: 'R15', customer: { name: 'Ms Liu', phone: '13900000077', email: 'liu@example.com' }, payload: { plate: '苏F77777', readyAt: new Date(Date.now() + 3_600_000).toISOString() } });

  const first = startSender();
  const held = smtp.dataStarted();
  await held;
  const killed = new Promise((r) => first.once('exit', r));
  first.kill('SIGKILL');
  await killed;

  const stranded = await db.notification.findFirstOrThrow({ where: { vin: VIN, channel: 'EMAIL' } });
  expect([stranded.status, stranded.attempts]).toEqual(['SENDING', 1]);
  expect(smtp.mails).toHaveLength(0);
  expect(smtp.aborted).toBe(1);

  const second = startSender();
  const sent = await until('the mail to be sent after the restart', async () => {
    const row = await db.notification.findFirstOrThrow({ where: { vin: VIN, channel: 'EMAIL' } });
    return row.status === 'SENT' ? row : undefined;
  });
  expect(sent.attempts).toBe(2);
  // Give a stray second delivery every chance to show up before counting.
  await new Promise((r) => setTimeout(r, 1_500));
  expect(smtp.mails).toHaveLength(1);
  const [mail] = smtp.mails;
  expect(mail.envelopeTo).toEqual(['liu@example.com']);
  expect(mail.parsed.subject).toBe('Crash store: 苏F77777 is nearly ready');
  expect(mail.parsed.text).toContain('Dear Ms Liu, your car 苏F77777 will be ready at');
  expect(mail.parsed.messageId).toBe(messageIdFor(sent.idempotencyKey));
  expect(await db.auditEvent.count({ where: { vin: VIN, action: 'message.sent' } })).toBe(1);

  const stopped = new Promise((r) => second.once('exit', r));
  second.kill('SIGTERM');
  expect(await stopped).toBe(0);
});

it('two senders at once never take the same message: each of 30 arrives once', async () => {
  const acts = createActivities(db);
  const base = smtp.mails.length;
  for (let i = 0; i < 30; i++) {
    const ctx = { workflowId: `vehicle-${VIN}`, runId: 'run-1', vin: VIN, cycle: 100 + i, at: new Date().toISOString() };
    await acts.queueCustomerMessage(ctx, { template: 'appointment-reminder', rule: 'R11', customer: { name: 'Ms Liu', phone: '13900000077', email: `liu${i}@example.com` }, payload: { plate: '苏F77777', bookedFor: new Date().toISOString() } });
  }
  const dbs = [createDb(postgres.url), createDb(postgres.url)];
  const senders = dbs.map((d) => createDispatcher({ db: d, batchSize: 5, log: () => undefined }));
  try {
    const drain = async (s: (typeof senders)[number]) => {
      while ((await s.runOnce()) > 0);
    };
    await Promise.all(senders.map(drain));
  } finally {
    senders.forEach((s) => s.close());
    await Promise.all(dbs.map((d) => d.$disconnect()));
  }
  const received = smtp.mails.slice(base).map((m) => m.envelopeTo[0]).sort();
  expect(received).toEqual(Array.from({ length: 30 }, (_, i) => `liu${i}@example.com`).sort());
  expect(await db.notification.count({ where: { vin: VIN, channel: 'EMAIL', status: 'SENT' } })).toBe(31);
});
