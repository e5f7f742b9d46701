// Alibaba Cloud and Tencent Cloud SMS adapters against local stand-ins (allowlisted loopback): the
// stand-ins check the request each provider documents, then answer success, throttling or an invalid
// number, and the adapter turns that into sent, retry or bounce. The signature itself is checked against
// the providers' published examples (tests/unit/chinaSmsSigning.test.ts), not here.
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { aliyunSmsConfigSchema, tencentSmsConfigSchema } from '../../notifications/channelConfig';
import { aliyunSms, tencentSms } from '../../notifications/transports/chinaSms';
import { PermanentDeliveryError } from '../../notifications/transports/transport';

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

async function standIn(answer: (seen: Seen) => { status: number; body: unknown }): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(s);
      const { status, body } = answer(s);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const clock = () => new Date('2026-11-23T09:30:00Z');
const message = (to: string) => ({
  to,
  subject: '取车提醒',
  body: '王先生，您的车已可取。',
  idempotencyKey: `wf-1:1:pickup:${to}:SMS`,
  template: 'pickup-ready',
  variables: { customerName: '王先生', plate: '苏F12345', readyAt: '17:30' },
});
const outcome = (p: Promise<unknown>) =>
  p.then(
    (sent) => ({ sent }),
    (err: Error) => ({ [err instanceof PermanentDeliveryError ? 'bounced' : 'retry']: err.message }),
  );

let savedAllowlist: string | undefined;
beforeAll(() => {
  savedAllowlist = process.env.OUTBOUND_ALLOWED_HOSTS;
  process.env.OUTBOUND_ALLOWED_HOSTS = '127.0.0.1';
});
afterAll(() => {
  if (savedAllowlist === undefined) delete process.env.OUTBOUND_ALLOWED_HOSTS;
  else process.env.OUTBOUND_ALLOWED_HOSTS = savedAllowlist;
});

describe('Alibaba Cloud SMS', () => {
  it('posts a signed SendSms form; OK is sent, throttling retries, an invalid number bounces', async () => {
    const aliyun = await standIn(({ body }) => {
      const form = new URLSearchParams(body);
      const missing = ['AccessKeyId', 'Action', 'SignName', 'TemplateCode', 'TemplateParam', 'PhoneNumbers', 'Signature', 'SignatureNonce', 'Timestamp', 'Version'].filter((k) => !form.get(k));
      if (missing.length || form.get('Action') !== 'SendSms') return { status: 400, body: { Code: 'MissingParameter', Message: missing.join(',') } };
      const to = form.get('PhoneNumbers');
      if (to === '13900000002') return { status: 200, body: { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发小时级流控Permits:5', RequestId: 'r2' } };
      if (to === '1390000') return { status: 200, body: { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号', RequestId: 'r3' } };
      return { status: 200, body: { Code: 'OK', Message: 'OK', BizId: '900619746936498440^0', RequestId: 'r1' } };
    });
    try {
      const config = aliyunSmsConfigSchema.parse({
        provider: 'aliyun',
        accessKeyId: 'LTAI-test',
        accessKeySecret: 'secret-test',
        signName: '南通示范店',
        endpoint: aliyun.url,
        templates: { 'pickup-ready': { code: 'SMS_123456', params: { name: 'customerName', plate: 'plate' } } },
      });
      const sms = aliyunSms(config, clock);
      expect(await outcome(sms.send(message('+8613900000001')))).toEqual({ sent: { providerId: '900619746936498440^0' } });
      expect(await outcome(sms.send(message('13900000002')))).toEqual({ retry: 'Alibaba Cloud SMS answered HTTP 200 isv.BUSINESS_LIMIT_CONTROL' });
      expect(await outcome(sms.send(message('1390000')))).toEqual({ bounced: 'Alibaba Cloud SMS answered HTTP 200 isv.MOBILE_NUMBER_ILLEGAL' });

      const first = aliyun.seen[0];
      expect(first.headers['content-type']).toBe('application/x-www-form-urlencoded');
      const form = Object.fromEntries(new URLSearchParams(first.body));
      expect(form).toMatchObject({
        AccessKeyId: 'LTAI-test',
        Action: 'SendSms',
        Version: '2017-05-25',
        Format: 'JSON',
        PhoneNumbers: '13900000001',
        SignName: '南通示范店',
        TemplateCode: 'SMS_123456',
        TemplateParam: '{"name":"王先生","plate":"苏F12345"}',
        SignatureMethod: 'HMAC-SHA1',
        SignatureVersion: '1.0',
        Timestamp: '2026-11-23T09:30:00Z',
        OutId: 'wf-1:1:pickup:+8613900000001:SMS',
      });
      expect(form.Signature).toMatch(/^[A-Za-z0-9+/]{27}=$/);
      expect(first.body).not.toContain('secret-test');
      // Every request has its own nonce: the provider refuses a repeated one.
      expect(new Set(aliyun.seen.map((s) => new URLSearchParams(s.body).get('SignatureNonce'))).size).toBe(3);
    } finally {
      await aliyun.close();
    }
  });
});

describe('Tencent Cloud SMS', () => {
  it('posts a TC3-signed SendSms; Ok is sent, a frequency limit retries, an invalid number bounces', async () => {
    const tencent = await standIn(({ headers, body }) => {
      const request = JSON.parse(body) as { PhoneNumberSet: string[] };
      const to = request.PhoneNumberSet[0];
      const status = (Code: string) => ({ status: 200, body: { Response: { SendStatusSet: [{ SerialNo: `5000:${to.slice(1)}`, PhoneNumber: to, Fee: 1, Code, Message: 'text', IsoCode: 'CN' }], RequestId: 'r' } } });
      if (headers['x-tc-action'] !== 'SendSms' || !String(headers.authorization).startsWith('TC3-HMAC-SHA256 ')) return { status: 200, body: { Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'x' }, RequestId: 'r' } } };
      if (to === '+8613900000002') return status('LimitExceeded.PhoneNumberOneHourLimit');
      if (to === '+861390000') return status('InvalidParameterValue.IncorrectPhoneNumber');
      return status('Ok');
    });
    try {
      const config = tencentSmsConfigSchema.parse({
        provider: 'tencent',
        secretId: 'AKID-test',
        secretKey: 'key-test',
        sdkAppId: '1400000001',
        signName: '南通示范店',
        region: 'ap-shanghai',
        endpoint: tencent.url,
        templates: { 'pickup-ready': { code: '1234567', params: ['customerName', 'readyAt'] } },
      });
      const sms = tencentSms(config, clock);
      expect(await outcome(sms.send(message('13900000001')))).toEqual({ sent: { providerId: '5000:8613900000001' } });
      expect(await outcome(sms.send(message('13900000002')))).toEqual({ retry: 'Tencent Cloud SMS answered HTTP 200 LimitExceeded.PhoneNumberOneHourLimit' });
      expect(await outcome(sms.send(message('1390000')))).toEqual({ bounced: 'Tencent Cloud SMS answered HTTP 200 InvalidParameterValue.IncorrectPhoneNumber' });

      const first = tencent.seen[0];
      expect(first.headers).toMatchObject({
        'content-type': 'application/json; charset=utf-8',
        'x-tc-action': 'SendSms',
        'x-tc-version': '2021-01-11',
        'x-tc-region': 'ap-shanghai',
        'x-tc-timestamp': String(Date.parse('2026-11-23T09:30:00Z') / 1000),
      });
      expect(first.headers.authorization).toMatch(/^TC3-HMAC-SHA256 Credential=AKID-test\/2026-11-23\/sms\/tc3_request, SignedHeaders=content-type;host, Signature=[0-9a-f]{64}$/);
      expect(JSON.parse(first.body)).toEqual({
        PhoneNumberSet: ['+8613900000001'],
        SmsSdkAppId: '1400000001',
        SignName: '南通示范店',
        TemplateId: '1234567',
        TemplateParamSet: ['王先生', '17:30'],
        SessionContext: 'wf-1:1:pickup:13900000001:SMS',
      });
    } finally {
      await tencent.close();
    }
  });

  it('refuses an endpoint on loopback when the operator has not allowlisted it', async () => {
    const tencent = await standIn(() => ({ status: 200, body: {} }));
    const saved = process.env.OUTBOUND_ALLOWED_HOSTS;
    delete process.env.OUTBOUND_ALLOWED_HOSTS;
    try {
      const config = tencentSmsConfigSchema.parse({ provider: 'tencent', secretId: 'a', secretKey: 'b', sdkAppId: '1', signName: 's', endpoint: tencent.url, templates: { 'pickup-ready': { code: '1', params: [] } } });
      expect(await outcome(tencentSms(config, clock).send(message('13900000001')))).toEqual({ retry: expect.stringMatching(/^host 127\.0\.0\.1 resolves to a private, loopback or link-local address/) });
      expect(tencent.seen).toHaveLength(0);
    } finally {
      process.env.OUTBOUND_ALLOWED_HOSTS = saved;
      await tencent.close();
    }
  });
});
