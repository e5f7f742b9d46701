// The outbound guard: which destinations a channel may call, that the call goes to the checked address,
// that redirects fail and that failure reasons and shown URLs carry no secrets or remote text.
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { redactConfig } from '../../notifications/channelConfig';
import { allowlistFrom, checkDestination, checkHttpDestination, maskUrl, outboundRequest } from '../../notifications/outbound';
import { smtpConnection } from '../../notifications/transports/email';
import { PermanentDeliveryError, postJson } from '../../notifications/transports/transport';

const none = allowlistFrom({});
const resolvesTo = (...addresses: string[]) => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('outbound destinations', () => {
  it.each([
    ['127.0.0.1'],
    ['10.1.2.3'],
    ['172.20.0.5'],
    ['192.168.1.10'],
    ['169.254.10.1'],
    ['100.64.0.1'],
    ['0.0.0.0'],
    ['::1'],
    ['fe80::1'],
    ['fd12:3456::1'],
    ['::ffff:127.0.0.1'],
    ['::ffff:a00:1'],
  ])('refuses a name resolving to %s', async (address) => {
    await expect(checkDestination(new URL('https://gateway.example.cn/send'), { allowlist: none, resolve: resolvesTo(address) })).rejects.toThrow(/private, loopback or link-local/);
  });

  it('refuses address literals in the URL itself, IPv4 and IPv6', async () => {
    await expect(checkHttpDestination('https://127.0.0.1:8443/x', { allowlist: none })).rejects.toThrow(/private, loopback or link-local/);
    await expect(checkHttpDestination('https://[::1]/x', { allowlist: none })).rejects.toThrow(/private, loopback or link-local/);
  });

  it('refuses a name with one public and one private address, and a name that does not resolve', async () => {
    await expect(checkDestination(new URL('https://a.example/'), { allowlist: none, resolve: resolvesTo('203.119.1.1', '10.0.0.1') })).rejects.toThrow(/private/);
    await expect(checkDestination(new URL('https://a.example/'), { allowlist: none, resolve: async () => Promise.reject(new Error('ENOTFOUND')) })).rejects.toThrow('host a.example does not resolve');
  });

  it('accepts a public address over https, and pins it', async () => {
    const d = await checkHttpDestination('https://dysmsapi.aliyuncs.com/', { allowlist: none, resolve: resolvesTo('47.97.1.2') });
    expect(d).toEqual({ hostname: 'dysmsapi.aliyuncs.com', address: '47.97.1.2', family: 4, allowlisted: false });
  });

  it('refuses plain http and other schemes unless the destination is allowlisted', async () => {
    await expect(checkHttpDestination('http://gw.example/', { allowlist: none, resolve: resolvesTo('47.97.1.2') })).rejects.toThrow('plain http is refused');
    await expect(checkHttpDestination('ftp://gw.example/', { allowlist: none })).rejects.toThrow('not an HTTP channel');
    const lan = allowlistFrom({ OUTBOUND_ALLOWED_HOSTS: 'relay.store.lan, 192.168.10.0/24' });
    expect((await checkHttpDestination('http://gw.example/', { allowlist: lan, resolve: resolvesTo('192.168.10.7') })).allowlisted).toBe(true);
    expect((await checkHttpDestination('http://relay.store.lan/', { allowlist: lan, resolve: resolvesTo('10.9.9.9') })).allowlisted).toBe(true);
    await expect(checkHttpDestination('https://gw.example/', { allowlist: lan, resolve: resolvesTo('192.168.11.7') })).rejects.toThrow(/private/);
  });

  it('never allows the cloud metadata services, allowlist or not', async () => {
    const everything = allowlistFrom({ OUTBOUND_ALLOWED_HOSTS: '0.0.0.0/0,::/0,metadata.tencentyun.com' });
    for (const address of ['169.254.169.254', '100.100.100.200', '169.254.0.23', 'fd00:ec2::254']) {
      await expect(checkDestination(new URL('https://metadata.tencentyun.com/'), { allowlist: everything, resolve: resolvesTo(address) })).rejects.toThrow('cloud metadata address');
    }
  });

  it('mail needs TLS: smtps, or STARTTLS required on smtp:// unless the relay is allowlisted', async () => {
    const pub = resolvesTo('42.120.1.1');
    const smtps = await smtpConnection('smtps://mailer:p%40ss@smtp.example.cn', { allowlist: none, resolve: pub });
    expect(smtps.transport).toMatchObject({ host: '42.120.1.1', port: 465, secure: true, requireTLS: false, tls: { servername: 'smtp.example.cn' }, auth: { user: 'mailer', pass: 'p@ss' } });
    const starttls = await smtpConnection('smtp://smtp.example.cn', { allowlist: none, resolve: pub });
    expect(starttls.transport).toMatchObject({ port: 587, secure: false, requireTLS: true });
    const lan = await smtpConnection('smtp://relay.store.lan:25', { allowlist: allowlistFrom({ OUTBOUND_ALLOWED_HOSTS: 'relay.store.lan' }), resolve: resolvesTo('192.168.1.2') });
    expect(lan.transport).toMatchObject({ host: '192.168.1.2', port: 25, requireTLS: false });
    await expect(smtpConnection('smtp://relay.store.lan:25', { allowlist: none, resolve: resolvesTo('192.168.1.2') })).rejects.toThrow(/private/);
  });
});

describe('masking secrets in URLs', () => {
  it('masks userinfo passwords and secret-looking query parameters', () => {
    expect(maskUrl('smtps://mailer:hunter2@mail.example:465')).toBe('smtps://mailer:***@mail.example:465');
    expect(maskUrl('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123')).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***');
    expect(maskUrl('https://gw.example/send?user=a&token=t0k&Signature=s1g&apiKey=k')).toBe('https://gw.example/send?user=a&token=***&Signature=***&apiKey=***');
  });

  it('masks provider secrets and endpoint URLs in a shown configuration', () => {
    expect(redactConfig({ provider: 'aliyun', accessKeyId: 'LTAI5t', accessKeySecret: 'very-secret', endpoint: 'https://u:pw@dysmsapi.aliyuncs.com/' })).toEqual({
      provider: 'aliyun',
      accessKeyId: 'LTAI5t',
      accessKeySecret: '***',
      endpoint: 'https://u:***@dysmsapi.aliyuncs.com/',
    });
    expect(redactConfig({ provider: 'tencent', secretId: 'AKID1', secretKey: 'k' })).toMatchObject({ secretKey: '***' });
  });
});

describe('outbound calls', () => {
  let server: Server;
  let port: number;
  const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      if (req.url === '/moved') return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      if (req.url === '/fail') return void res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid token t0k-SECRET for account 42');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('connects to the checked address: a name is never looked up a second time', async () => {
    const allowlist = allowlistFrom({ OUTBOUND_ALLOWED_HOSTS: 'sms.store.test' });
    const answer = await outboundRequest(`http://sms.store.test:${port}/ok`, { method: 'POST', headers: {}, body: '{}' }, { allowlist, resolve: resolvesTo('127.0.0.1') });
    expect(answer.status).toBe(200);
    expect(seen.at(-1)).toMatchObject({ url: '/ok', headers: { host: `sms.store.test:${port}` } });
  });

  it('refuses loopback when it is not allowlisted: nothing reaches the server', async () => {
    const before = seen.length;
    await expect(outboundRequest(`http://127.0.0.1:${port}/ok`, { method: 'POST', headers: {} }, { allowlist: none })).rejects.toThrow(/private, loopback/);
    expect(seen.length).toBe(before);
  });

  it('a redirect is a failure and is not followed', async () => {
    const allowlist = allowlistFrom({ OUTBOUND_ALLOWED_HOSTS: '127.0.0.1' });
    await expect(outboundRequest(`http://127.0.0.1:${port}/moved`, { method: 'POST', headers: {} }, { allowlist })).rejects.toThrow('answered with a redirect (HTTP 302); redirects are not followed');
    expect(seen.some((s) => s.url.startsWith('/latest'))).toBe(false);
  });

  it("a failed call's reason is the status, never the remote body", async () => {
    const saved = process.env.OUTBOUND_ALLOWED_HOSTS;
    process.env.OUTBOUND_ALLOWED_HOSTS = '127.0.0.1';
    try {
      const failure = await postJson(`http://127.0.0.1:${port}/fail`, { text: 'hi' }).catch((e: Error) => e);
      expect(failure).toBeInstanceOf(PermanentDeliveryError);
      expect((failure as Error).message).toBe(`HTTP 400 from 127.0.0.1:${port}`);
    } finally {
      if (saved === undefined) delete process.env.OUTBOUND_ALLOWED_HOSTS;
      else process.env.OUTBOUND_ALLOWED_HOSTS = saved;
    }
  });
});
