// The log redaction (by field and by value), who may read /metrics, and the worker's health endpoint.
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { Request } from 'express';
import { mayScrape } from '../../api/observability';
import { createLogger, requestContext, scrubText, temporalLogger } from '../../runtime/logger';
import { REQUEST_ID_HEADER, requestIdInterceptor } from '../../runtime/requestIdHeader';
import { serveWorkerHealth } from '../../runtime/workerHealth';

function captured(): { lines: Record<string, unknown>[]; text: () => string; logger: ReturnType<typeof createLogger> } {
  const raw: string[] = [];
  const logger = createLogger({ write: (line: string) => void raw.push(line) }, 'info');
  return { lines: raw.map((l) => JSON.parse(l)), text: () => raw.join(''), logger };
}

test('phone numbers and tokens are scrubbed from free text', () => {
  expect(scrubText('客户 13912345678 / +86 139-1234-5678 / 86 13912345678 wants a call')).toBe('客户 [phone] / [phone] / [phone] wants a call');
  expect(scrubText('Authorization: Bearer abcDEF123456789_-xyz')).toBe('Authorization: Bearer [token]');
  expect(scrubText('GET /setup/s3cr3t-link?x=1 and /api/pages/ACK123/ack?token=zzz')).toBe('GET /setup/[token]?x=1 and /api/pages/[token]/ack?token=[token]');
  // A VIN, an order number or a timestamp is not a phone number.
  expect(scrubText('LSVAU2180N2183294 order 2026031000123456 at 1796670897236')).toBe('LSVAU2180N2183294 order 2026031000123456 at 1796670897236');
});

test('credentials and personal fields are redacted by name at any depth, and free text by value', () => {
  const { text, logger } = captured();
  logger.info(
    {
      password: 'hunter2-pass',
      headers: { authorization: 'Bearer tok-abcdefghijklmnop', cookie: 'sl_session=cookie-secret-value' },
      body: { customer: { name: '王小明', phone: '13800001111' }, newPassword: 'next-pass-456', token: 'raw-token-value' },
      note: 'call back on 13800002222',
      err: new Error('duplicate phone 13800003333'),
    },
    'customer 13800004444 updated',
  );
  const out = text();
  for (const secret of ['hunter2-pass', 'tok-abcdefghijklmnop', 'cookie-secret-value', '王小明', '13800001111', 'next-pass-456', 'raw-token-value', '13800002222', '13800003333', '13800004444']) expect(out).not.toContain(secret);
  expect(JSON.parse(out)).toMatchObject({ level: 30, password: '[redacted]', note: 'call back on [phone]', msg: 'customer [phone] updated', body: { customer: { name: '[redacted]' } } });
});

test('/metrics is for this host, or for a caller with METRICS_TOKEN as its bearer token', () => {
  const req = (remoteAddress: string, authorization?: string, ip = remoteAddress) => ({ socket: { remoteAddress }, ip, header: (name: string) => (name === 'authorization' ? authorization : undefined) }) as unknown as Request;
  expect(mayScrape(req('127.0.0.1'), undefined)).toBe(true);
  // Through a trusted proxy on this host: the socket is loopback, the caller is not.
  expect(mayScrape(req('127.0.0.1', undefined, '203.0.113.9'), undefined)).toBe(false);
  expect(mayScrape(req('127.0.0.1', 'Bearer scrape-secret', '203.0.113.9'), 'scrape-secret')).toBe(true);
  expect(mayScrape(req('::1'), undefined)).toBe(true);
  expect(mayScrape(req('10.0.0.7'), undefined)).toBe(false);
  expect(mayScrape(req('10.0.0.7', 'Bearer scrape-secret'), undefined)).toBe(false);
  expect(mayScrape(req('10.0.0.7', 'Bearer scrape-secret'), 'scrape-secret')).toBe(true);
  expect(mayScrape(req('10.0.0.7', 'Bearer scrape-secreT'), 'scrape-secret')).toBe(false);
  expect(mayScrape(req('10.0.0.7'), 'scrape-secret')).toBe(false);
});

test("the worker's health endpoint is healthy only while the worker is RUNNING", async () => {
  let state = 'INITIALIZED';
  const health = await serveWorkerHealth(() => state, 0, '127.0.0.1');
  try {
    const probe = () => fetch(`http://127.0.0.1:${health.port}/healthz`);
    expect((await probe()).status).toBe(503);
    state = 'RUNNING';
    const running = await probe();
    expect([running.status, await running.json()]).toEqual([200, { ok: true, worker: 'RUNNING' }]);
    state = 'DRAINING';
    expect((await probe()).status).toBe(503);
  } finally {
    await health.stop();
  }
});

test("what a request sends to Temporal carries the request's id as a header", async () => {
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }), interceptors: { workflow: [requestIdInterceptor] } });
  const start = jest.spyOn(client.workflowService, 'startWorkflowExecution').mockResolvedValue({ runId: 'run-1', started: true } as Awaited<ReturnType<typeof client.workflowService.startWorkflowExecution>>);
  await requestContext.run({ requestId: 'req-12345678' }, () => client.workflow.start('vehicleLifecycle', { taskQueue: 'q', workflowId: 'wf-1' }));
  await client.workflow.start('vehicleLifecycle', { taskQueue: 'q', workflowId: 'wf-2' });
  const headerOf = (call: number) => start.mock.calls[call][0].header?.fields?.[REQUEST_ID_HEADER];
  expect(defaultPayloadConverter.fromPayload(headerOf(0) as Payload)).toBe('req-12345678');
  expect(headerOf(1)).toBeUndefined();
  await client.connection.close();
});

test("the Temporal SDK's lines come out as the product's JSON, redacted alike", () => {
  const { text, logger } = captured();
  temporalLogger(logger).warn('Activity failed for 13800005555', { workflowId: 'lifecycle-LSVAU2180N2183294', activityType: 'sendReminder' });
  expect(JSON.parse(text())).toMatchObject({ level: 40, component: 'temporal', msg: 'Activity failed for [phone]', workflowId: 'lifecycle-LSVAU2180N2183294', activityType: 'sendReminder' });
});

test('a line written while serving a request carries its id once', () => {
  const { text, logger } = captured();
  requestContext.run({ requestId: 'req-abcdefgh' }, () => {
    logger.info('deep in a command');
    logger.child({ requestId: 'req-abcdefgh' }).info('from req.log');
  });
  const out = text().trim().split('\n');
  expect(out.map((l) => JSON.parse(l).requestId)).toEqual(['req-abcdefgh', 'req-abcdefgh']);
  expect(out.map((l) => l.split('"requestId"').length - 1)).toEqual([1, 1]);
});
