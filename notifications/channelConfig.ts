// How a store reaches people: per-store rows in StoreChannel, with environment variables as the default
// for every store. Nothing configured means messages wait in the outbox (the embedded default, offline).
import { z } from 'zod';
import type { Db } from '../activities/database';
import type { NotificationChannel } from '../generated/prisma/enums';
import { checkHttpDestination, maskUrl } from './outbound';
import { smtpConnection } from './transports/email';

export const smtpConfigSchema = z.object({
  /** A nodemailer connection URL, e.g. smtps://user:pass@mail.example.com:465 */
  url: z.string().regex(/^smtps?:\/\//, 'url must start with smtp:// or smtps://'),
  from: z.string().min(3),
});

/** The generic HTTP gateway; `provider` may be left out (configurations from before the providers). */
export const httpSmsConfigSchema = z.object({
  provider: z.literal('http'),
  url: z.string().url(),
  method: z.enum(['POST', 'PUT']).default('POST'),
  /** One header line the gateway authenticates with, e.g. "Authorization: Bearer …" */
  authHeader: z.string().regex(/^[A-Za-z0-9-]+:\s*\S/, 'authHeader is "Name: value"').optional(),
  contentType: z.string().default('application/json'),
  /** Handlebars over {to, text, idempotencyKey}; `{{json text}}` quotes a value for JSON. */
  bodyTemplate: z.string().default('{"to":{{json to}},"text":{{json text}},"requestId":{{json idempotencyKey}} }'),
});

/** Alibaba Cloud SMS: per message key an approved template code and template parameter → message variable. */
export const aliyunSmsConfigSchema = z.object({
  provider: z.literal('aliyun'),
  accessKeyId: z.string().min(1),
  accessKeySecret: z.string().min(1),
  signName: z.string().min(1),
  regionId: z.string().default('cn-hangzhou'),
  endpoint: z.string().url().default('https://dysmsapi.aliyuncs.com/'),
  templates: z.record(z.string(), z.object({ code: z.string().min(1), params: z.record(z.string(), z.string()).default({}) })),
});

/** Tencent Cloud SMS: per message key an approved template id and the variables for its {1}, {2} … in order. */
export const tencentSmsConfigSchema = z.object({
  provider: z.literal('tencent'),
  secretId: z.string().min(1),
  secretKey: z.string().min(1),
  sdkAppId: z.string().min(1),
  signName: z.string().min(1),
  region: z.string().default('ap-guangzhou'),
  endpoint: z.string().url().default('https://sms.tencentcloudapi.com/'),
  templates: z.record(z.string(), z.object({ code: z.string().min(1), params: z.array(z.string()).default([]) })),
});

export const smsConfigSchema = z.preprocess(
  (value) => (value && typeof value === 'object' && !('provider' in value) ? { ...value, provider: 'http' } : value),
  z.discriminatedUnion('provider', [httpSmsConfigSchema, aliyunSmsConfigSchema, tencentSmsConfigSchema]),
);

export const robotConfigSchema = z.object({
  webhookUrl: z.string().url(),
  /** DingTalk "加签" secret; the request is signed when it is set. */
  secret: z.string().optional(),
  format: z.enum(['text', 'markdown']).default('markdown'),
  /** Mobiles to @-mention in the group. */
  mentionMobiles: z.array(z.string()).default([]),
});

export type SmtpConfig = z.infer<typeof smtpConfigSchema>;
export type SmsConfig = z.infer<typeof smsConfigSchema>;
export type HttpSmsConfig = z.infer<typeof httpSmsConfigSchema>;
export type AliyunSmsConfig = z.infer<typeof aliyunSmsConfigSchema>;
export type TencentSmsConfig = z.infer<typeof tencentSmsConfigSchema>;
export type RobotConfig = z.infer<typeof robotConfigSchema>;

/** The configurable ways out; pages (channel PAGE) go by e-mail or SMS to each person. */
export type TransportKind = 'EMAIL' | 'SMS' | 'WECOM' | 'DINGTALK';
export const TRANSPORT_KINDS: readonly TransportKind[] = ['EMAIL', 'SMS', 'WECOM', 'DINGTALK'];

export type ConfigOf<K extends TransportKind> = K extends 'EMAIL' ? SmtpConfig : K extends 'SMS' ? SmsConfig : RobotConfig;

export const CONFIG_SCHEMAS = { EMAIL: smtpConfigSchema, SMS: smsConfigSchema, WECOM: robotConfigSchema, DINGTALK: robotConfigSchema } as const;

export function isTransportKind(value: unknown): value is TransportKind {
  return (TRANSPORT_KINDS as readonly unknown[]).includes(value);
}

/** The environment's defaults (README "Notifications"); undefined where a variable is not set. */
export function envChannelConfig(kind: TransportKind, env: NodeJS.ProcessEnv = process.env): unknown {
  switch (kind) {
    case 'EMAIL':
      return env.SMTP_URL ? { url: env.SMTP_URL, from: env.MAIL_FROM ?? 'Service Lane <service-lane@localhost>' } : undefined;
    case 'SMS':
      return env.SMS_GATEWAY_URL
        ? { url: env.SMS_GATEWAY_URL, authHeader: env.SMS_GATEWAY_AUTH_HEADER || undefined, bodyTemplate: env.SMS_GATEWAY_BODY_TEMPLATE || undefined }
        : undefined;
    case 'WECOM':
      return env.WECOM_WEBHOOK_URL ? { webhookUrl: env.WECOM_WEBHOOK_URL } : undefined;
    case 'DINGTALK':
      return env.DINGTALK_WEBHOOK_URL ? { webhookUrl: env.DINGTALK_WEBHOOK_URL, secret: env.DINGTALK_SECRET || undefined } : undefined;
  }
}

/**
 * The store's configuration of a channel; a disabled store row switches the channel off for that store
 * even when the environment has a default. A stored config that no longer parses is reported, not used.
 */
export async function channelConfig<K extends TransportKind>(db: Pick<Db, 'storeChannel'>, storeId: string | null | undefined, kind: K): Promise<ConfigOf<K> | undefined> {
  const row = storeId ? await db.storeChannel.findUnique({ where: { storeId_channel: { storeId, channel: kind as NotificationChannel } } }) : null;
  if (row && !row.enabled) return undefined;
  const raw = row ? row.config : envChannelConfig(kind);
  if (raw === undefined) return undefined;
  const parsed = CONFIG_SCHEMAS[kind].safeParse(raw);
  if (!parsed.success) throw new Error(`${kind} configuration of ${row ? `store ${storeId}` : 'the environment'} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data as ConfigOf<K>;
}

const SECRET_FIELDS = new Set(['secret', 'accessKeySecret', 'secretKey', 'password']);

/** For the API, pages and the audit trail: the config without its secrets. */
export function redactConfig(config: unknown): unknown {
  if (!config || typeof config !== 'object') return config;
  const copy: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  for (const field of ['url', 'webhookUrl', 'endpoint']) if (typeof copy[field] === 'string') copy[field] = maskUrl(copy[field] as string);
  for (const field of SECRET_FIELDS) if (copy[field]) copy[field] = '***';
  if (typeof copy.authHeader === 'string') copy.authHeader = copy.authHeader.replace(/:.*/, ': ***');
  return copy;
}

/** The hosts a channel configuration calls, checked as the sender will (README "Outbound safety"). */
export async function checkChannelDestination(kind: TransportKind, config: ConfigOf<TransportKind>): Promise<void> {
  if (kind === 'EMAIL') {
    await smtpConnection((config as SmtpConfig).url);
    return;
  }
  if (kind === 'SMS') {
    const sms = config as SmsConfig;
    await checkHttpDestination(sms.provider === 'http' ? sms.url : sms.endpoint);
    return;
  }
  await checkHttpDestination((config as RobotConfig).webhookUrl);
}
