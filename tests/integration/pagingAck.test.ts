// R18 / R24 paging acknowledgement end to end: the real worker runs a service-failure ticket on the real
// Temporal dev server, the outbox sender mails the page to a real SMTP server, and the link in that mail,
// followed over the real API, stops the level's escalation timer in the ticket's workflow.
import { Client } from '@temporalio/client';
import { Db } from '../../activities/database';
import { createDispatcher } from '../../notifications/dispatcher';
import { failureTicketWorkflowId, getFailureTicket, AcknowledgedTicketState } from '../../workflows/failureTicket/contract';
import { LIFECYCLE_TASK_QUEUE } from '../../workflows/lifecycle/contract';
import { SmtpSink, startSmtpSink } from '../support/messageSinks';
import { ProductStack, startProductStack } from '../support/productStack';

const STORE = 'store-ack';
const VIN = 'LSVPAGEACK0000001';

let stack: ProductStack;
let db: Db;
let client: Client;
let base: string;
let smtp: SmtpSink;

beforeAll(async () => {
  smtp = await startSmtpSink();
  stack = await startProductStack(async (seeded) => {
    db = seeded;
    await db.store.create({ data: { id: STORE, name: 'Ack store', timeZone: 'Asia/Shanghai' } });
    await db.staff.create({ data: { id: 'sup-ack', storeId: STORE, name: 'Supervisor', role: 'SERVICE_SUPERVISOR', email: 'sup@ack.example' } });
    await db.storeChannel.create({ data: { storeId: STORE, channel: 'EMAIL', config: { url: smtp.url, from: 'pager@ack.example' }, updatedBy: 'it' } });
    const customer = await db.customer.create({ data: { storeId: STORE, name: '刘女士', phone: '13900000088' } });
    await db.vehicle.create({
      data: { vin: VIN, plate: '苏F88888', model: 'Lavida', storeId: STORE, customerId: customer.id, deliveryDate: new Date('2025-06-01'), mileageKm: 9000, mileageRecordedAt: new Date(), avgDailyKm: 40, workflowId: `vehicle-${VIN}` },
    });
  });
  ({ client, base } = stack);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await smtp?.close();
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
