// The sender's small decisions: which way a row goes out, how long it waits after a failure, what the
// API shows of a channel's secrets, how a DingTalk request is signed, how an SMTP reply is classified.
import { createHmac } from 'node:crypto';
import { channelConfig, redactConfig } from '../../notifications/channelConfig';
import { defaultBackoffMs, transportKindFor } from '../../notifications/dispatcher';
import { ackUrl, newAckCode } from '../../notifications/pageAck';
import { dingTalkSignedUrl } from '../../notifications/transports/robots';
import { isPermanentHttpStatus, messageIdFor } from '../../notifications/transports/transport';

describe('outbox sender rules', () => {
  it('customer channels go their own way; an R18 page goes by e-mail, else SMS, else nowhere', () => {
    expect(transportKindFor('SMS', '13800000000')).toBe('SMS');
    expect(transportKindFor('WECOM', 'group')).toBe('WECOM');
    expect(transportKindFor('PAGE', 'wu@store.example')).toBe('EMAIL');
    expect(transportKindFor('PAGE', '+8613800000000')).toBe('SMS');
    expect(transportKindFor('PAGE', 'SERVICE_SUPERVISOR')).toBeUndefined();
  });

  it('back-off doubles from a minute and stops at an hour', () => {
    expect([1, 2, 3, 4, 7, 8, 20].map(defaultBackoffMs)).toEqual([60_000, 120_000, 240_000, 480_000, 3_600_000, 3_600_000, 3_600_000]);
  });

  it('a refusal for good is a 4xx other than 408/429; the Message-ID is stable per idempotency key', () => {
    expect([400, 401, 404, 422].every(isPermanentHttpStatus)).toBe(true);
    expect([408, 429, 500, 503].some(isPermanentHttpStatus)).toBe(false);
    expect(messageIdFor('vehicle-X:3:notify:pickup-notice:EMAIL')).toBe(messageIdFor('vehicle-X:3:notify:pickup-notice:EMAIL'));
    expect(messageIdFor('vehicle-X:3:notify:pickup-notice:EMAIL')).not.toBe(messageIdFor('vehicle-X:4:notify:pickup-notice:EMAIL'));
    expect(messageIdFor('k')).toMatch(/^<[0-9a-f]{40}@service-lane\.local>$/);
  });

  it('secrets are masked for the API', () => {
    expect(redactConfig({ url: 'smtps://mailer:hunter2@mail.example:465', from: 'a@b' })).toEqual({ url: 'smtps://mailer:***@mail.example:465', from: 'a@b' });
    expect(redactConfig({ webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=abc&x=1', secret: 'SEC1' })).toEqual({ webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=***&x=1', secret: '***' });
    expect(redactConfig({ url: 'https://sms.example/send', authHeader: 'Authorization: Bearer t0k' })).toMatchObject({ authHeader: 'Authorization: ***' });
  });

  it('DingTalk signing: HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret, base64, in the query', () => {
    const url = new URL(dingTalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=T', 'SECx', 1700000000000));
    expect(url.searchParams.get('access_token')).toBe('T');
    expect(url.searchParams.get('timestamp')).toBe('1700000000000');
    expect(url.searchParams.get('sign')).toBe(createHmac('sha256', 'SECx').update('1700000000000\nSECx').digest('base64'));
  });

  it('R18: ack codes are 10 unambiguous characters; the link is under /api/pages', () => {
    const codes = new Set(Array.from({ length: 200 }, newAckCode));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(/^[2-9A-HJKMNP-Z]{10}$/);
    expect(ackUrl('https://lane.example/', 'ABCDEFGH23')).toBe('https://lane.example/api/pages/ABCDEFGH23/ack');
  });

  it('environment defaults apply when a store has no row; a disabled store row switches the channel off', async () => {
    const saved = { ...process.env };
    process.env.SMTP_URL = 'smtp://127.0.0.1:2525';
    process.env.MAIL_FROM = 'lane@example.com';
    try {
      const none = { storeChannel: { findUnique: async () => null } } as never;
      expect(await channelConfig(none, 'store-a', 'EMAIL')).toEqual({ url: 'smtp://127.0.0.1:2525', from: 'lane@example.com' });
      expect(await channelConfig(none, 'store-a', 'WECOM')).toBeUndefined();
      const off = { storeChannel: { findUnique: async () => ({ enabled: false, config: {} }) } } as never;
      expect(await channelConfig(off, 'store-a', 'EMAIL')).toBeUndefined();
      const broken = { storeChannel: { findUnique: async () => ({ enabled: true, config: { url: 'ftp://x' } }) } } as never;
      await expect(channelConfig(broken, 'store-a', 'EMAIL')).rejects.toThrow('EMAIL configuration of store store-a is invalid');
    } finally {
      process.env = saved;
    }
  });
});
