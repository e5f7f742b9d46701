// R18 / R24 paging acknowledgement end to end: the real worker runs a service-failure ticket on the real
// Temporal dev server, the outbox sender mails the page to a real SMTP server, and the link in that mail,
// followed over the real API, stops the level's escalation timer in the ticket's workflow.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createDb, Db } from '../../activities/database';
import { createApp } from '../../api/app';
import { createDispatcher } from '../../notifications/dispatcher';
import { createLifecycleWorker } from '../../runtime/lifecycleWorker';
import { SHARED_BUNDLE_CACHE } from '../../runtime/workflowBundle';
import { applyMigrations } from '../../runtime/migrate';
import { TemporalDevServer } from '../../runtime/temporalDevServer';
import { failureTicketWorkflowId, getFailureTicket, LIFECYCLE_TASK_QUEUE } from '../../workflows/definitions';
import { AcknowledgedTicketState } from '../../workflows/pagingDefinitions';
import { startTestDevServer } from '../support/devServer';
import { SmtpSink, startSmtpSink } from '../support/messageSinks';
import { startPostgres, TestPostgres } from '../support/postgres';

const STORE = 'store-ack';
const VIN = 'LSVPAGEACK0000001';

let postgres: TestPostgres;
let devServer: TemporalDevServer;
let smtp: SmtpSink;
let db: Db;
let connection: Connection;
let client: Client;
let workerConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let server: Server;
let base: string;

beforeAll(async () => {
  [postgres, devServer, smtp] = await Promise.all([startPostgres(), startTestDevServer(), startSmtpSink()]);
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  await db.store.create({ data: { id: STORE, name: 'Ack store', timeZone: 'Asia/Shanghai' } });
  await db.staff.create({ data: { id: 'sup-ack', storeId: STORE, name: 'Supervisor', role: 'SERVICE_SUPERVISOR', email: 'sup@ack.example' } });
  await db.storeChannel.create({ data: { storeId: STORE, channel: 'EMAIL', config: { url: smtp.url, from: 'pager@ack.example' }, updatedBy: 'it' } });
  const customer = await db.customer.create({ data: { storeId: STORE, name: '刘女士', phone: '13900000088' } });
  await db.vehicle.create({
    data: { vin: VIN, plate: '苏F88888', model: 'Lavida', storeId: STORE, customerId: customer.id, deliveryDate: new Date('2025-06-01'), mileageKm: 9000, mileageRecordedAt: new Date(), avgDailyKm: 40, workflowId: `vehicle-${VIN}` },
  });
  connection = await Connection.connect({ address: devServer.address });
  client = new Client({ connection });
  workerConnection = await NativeConnection.connect({ address: devServer.address });
  worker = await createLifecycleWorker(workerConnection, 'default', db, SHARED_BUNDLE_CACHE);
  running = worker.run();
  server = createApp({ client, db }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  server?.close();
  worker?.shutdown();
  await running;
  await workerConnection?.close();
  await connection?.close();
  await db?.$disconnect();
  await Promise.all([devServer?.stop(), postgres?.stop(), smtp?.close()]);
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

it('R18: the link in the mailed page acknowledges it; the ticket records who and stays at its level', async () => {
  const ticketId = failureTicketWorkflowId(VIN, 2);
  const ticket = await client.workflow.start('serviceFailureTicket', {
    taskQueue: LIFECYCLE_TASK_QUEUE,
    workflowId: ticketId,
    args: [{ vin: VIN, storeId: STORE, cycle: 2, grade: 'C', rule: 'R18', reason: 'CSI quality score 5', scores: { attitude: 9, quality: 5 }, openedBy: 'cr-it' }],
  });
  const page = await until('the page in the outbox', async () => (await db.notification.findFirst({ where: { vin: VIN, channel: 'PAGE' } })) ?? undefined);
  expect(page).toMatchObject({ recipient: 'sup@ack.example', workflowId: ticketId, status: 'QUEUED' });

  const dispatcher = createDispatcher({ db, publicBaseUrl: base, log: () => undefined });
  try {
    await dispatcher.runOnce();
  } finally {
    dispatcher.close();
  }
  const [mail] = smtp.mails;
  expect(mail.envelopeTo).toEqual(['sup@ack.example']);
  const link = /(http:\/\/\S+\/api\/pages\/[A-Z0-9]+\/ack)/.exec(mail.parsed.text ?? '')?.[1];
  expect(link).toBe(`${base}/api/pages/${page.ackCode}/ack`);

  const res = await fetch(link!);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ acknowledged: true, first: true, ticket: 'signalled', level: 0, acknowledgedBy: 'sup@ack.example' });
  const state = await until('the acknowledgement in the ticket', async () => {
    const s = (await ticket.query(getFailureTicket)) as AcknowledgedTicketState;
    return s.acknowledgements.length ? s : undefined;
  });
  expect(state).toMatchObject({ level: 0, acknowledgements: [{ level: 0, round: 0, by: 'sup@ack.example' }] });

  // Acknowledging again is harmless; an unknown code is a 404.
  const again = await fetch(link!, { method: 'POST' });
  expect(await again.json()).toMatchObject({ first: false, acknowledgedBy: 'sup@ack.example' });
  expect((await fetch(`${base}/api/pages/NOSUCHCODE/ack`)).status).toBe(404);
  const audit = await db.auditEvent.findMany({ where: { vin: VIN, action: 'page.acknowledged' } });
  expect(audit.map((a) => [a.actor, a.workflowId])).toEqual([['sup@ack.example', ticketId]]);
  expect((await db.notification.findUniqueOrThrow({ where: { id: page.id } })).acknowledgedAt).not.toBeNull();
  await ticket.terminate('test over');
});
