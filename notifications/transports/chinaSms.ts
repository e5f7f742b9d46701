// SMS through the providers Chinese stores use: Alibaba Cloud SMS (dysmsapi SendSms, RPC signature v1)
// and Tencent Cloud SMS (SendSms 2021-01-11, TC3-HMAC-SHA256). Both send only approved templates: the
// store maps each message key to a template code and names which message variables fill its parameters.
// Request building and signing are pure functions, checked against the providers' published examples
// (tests/unit/chinaSmsSigning.test.ts).
import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { AliyunSmsConfig, TencentSmsConfig } from '../channelConfig';
import { outboundRequest } from '../outbound';
import { OutgoingMessage, PermanentDeliveryError, Transport } from './transport';

/** RFC 3986 encoding as Alibaba Cloud specifies it: encodeURIComponent plus the five it leaves alone. */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The RPC (signature version 1.0) signature: HMAC-SHA1 of METHOD&%2F&encoded(sorted query), key secret + "&". */
export function aliyunRpcSignature(method: string, params: Record<string, string>, accessKeySecret: string): string {
  const canonical = Object.keys(params)
    .sort()
    .map((k) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(params[k])}`)
    .join('&');
  const stringToSign = `${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(canonical)}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign).digest('base64');
}

/** Message variables as the strings template parameters are. */
function parameterValue(variables: Record<string, unknown>, name: string, key: string): string {
  const value = variables[name];
  if (value === undefined || value === null) throw new PermanentDeliveryError(`message ${key} has no variable ${name} for its SMS template`);
  return value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function templateFor<T>(templates: Record<string, T>, message: OutgoingMessage, provider: string): T {
  const key = message.template ?? '';
  const template = templates[key];
  if (!template) throw new PermanentDeliveryError(`no ${provider} SMS template code configured for message ${key || '(none)'}`);
  return template;
}

/** Mainland numbers without the country code for Alibaba; E.164 for Tencent. */
function domesticNumber(to: string): string {
  return to.replace(/^\+86/, '');
}
function e164(to: string): string {
  return to.startsWith('+') ? to : `+86${to}`;
}

/** The signed SendSms query for one message (POST form body). */
export function aliyunSendSmsParams(config: AliyunSmsConfig, message: OutgoingMessage, at: Date, nonce: string): Record<string, string> {
  const template = templateFor(config.templates, message, 'Alibaba Cloud');
  const variables = message.variables ?? {};
  const templateParam = Object.fromEntries(Object.entries(template.params).map(([param, variable]) => [param, parameterValue(variables, variable, message.template ?? '')]));
  const params: Record<string, string> = {
    AccessKeyId: config.accessKeyId,
    Action: 'SendSms',
    Format: 'JSON',
    OutId: message.idempotencyKey.slice(0, 256),
    PhoneNumbers: domesticNumber(message.to),
    RegionId: config.regionId,
    SignName: config.signName,
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: nonce,
    SignatureVersion: '1.0',
    TemplateCode: template.code,
    TemplateParam: JSON.stringify(templateParam),
    Timestamp: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    Version: '2017-05-25',
  };
  return { ...params, Signature: aliyunRpcSignature('POST', params, config.accessKeySecret) };
}

/** A provider's code, if it looks like one; anything else in the answer is not repeated. */
function providerCode(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9._:^-]{1,100}$/.test(value) ? value : undefined;
}

/** Alibaba Cloud codes (SMS error code list) that no retry will change: the number, template or signature. */
const ALIYUN_BOUNCES = new Set([
  'isv.MOBILE_NUMBER_ILLEGAL',
  'isv.MOBILE_COUNT_OVER_LIMIT',
  'isv.SMS_TEMPLATE_ILLEGAL',
  'isv.SMS_SIGNATURE_ILLEGAL',
  'isv.TEMPLATE_MISSING_PARAMETERS',
  'isv.TEMPLATE_PARAMS_ILLEGAL',
  'isv.INVALID_PARAMETERS',
  'isv.PARAM_LENGTH_LIMIT',
  'isv.PARAM_NOT_SUPPORT_URL',
  'isv.BLACK_KEY_CONTROL_LIMIT',
  'isv.DENY_IP_RANGE',
  'isv.SMS_SIGN_ILLEGAL',
  'isv.SMS_CONTENT_ILLEGAL',
]);

/** OK → sent; a bounce code → bounced; throttling (isv.BUSINESS_LIMIT_CONTROL, Throttling.*), isp.* and the rest → retry. */
export function aliyunOutcome(status: number, text: string): { providerId?: string } {
  let answer: { Code?: unknown; BizId?: unknown } = {};
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    // Not the API's JSON (a proxy's page): judged by the status alone.
  }
  const code = providerCode(answer.Code);
  if (status >= 200 && status < 300 && code === 'OK') return { providerId: providerCode(answer.BizId) };
  const reason = `Alibaba Cloud SMS answered HTTP ${status}${code ? ` ${code}` : ''}`;
  if (code && ALIYUN_BOUNCES.has(code)) throw new PermanentDeliveryError(reason);
  throw new Error(reason);
}

export function aliyunSms(config: AliyunSmsConfig, now: () => Date): Transport {
  return {
    async send(message: OutgoingMessage) {
      const params = aliyunSendSmsParams(config, message, now(), randomUUID());
      const body = Object.entries(params)
        .map(([k, v]) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(v)}`)
        .join('&');
      const res = await outboundRequest(config.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      return aliyunOutcome(res.status, res.text);
    },
  };
}

export interface Tc3Request {
  secretId: string;
  secretKey: string;
  service: string;
  host: string;
  action: string;
  timestamp: number;
  payload: string;
  /** Headers signed besides content-type and host, lower-case name → value. */
  extraSignedHeaders?: Record<string, string>;
  contentType?: string;
}

const sha256Hex = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const hmac = (key: string | Buffer, value: string) => createHmac('sha256', key).update(value, 'utf8').digest();

/** Tencent Cloud API 3.0 signature v3 (TC3-HMAC-SHA256) for a POST with a JSON body: the Authorization header. */
export function tc3Authorization(r: Tc3Request): { authorization: string; signature: string; canonicalRequest: string; stringToSign: string } {
  const contentType = r.contentType ?? 'application/json; charset=utf-8';
  const headers: Record<string, string> = { 'content-type': contentType, host: r.host, ...r.extraSignedHeaders };
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${headers[n].trim().toLowerCase()}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, sha256Hex(r.payload)].join('\n');
  const date = new Date(r.timestamp * 1000).toISOString().slice(0, 10);
  const scope = `${date}/${r.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(r.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const signing = hmac(hmac(hmac(`TC3${r.secretKey}`, date), r.service), 'tc3_request');
  const signature = createHmac('sha256', signing).update(stringToSign, 'utf8').digest('hex');
  return {
    authorization: `TC3-HMAC-SHA256 Credential=${r.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    signature,
    canonicalRequest,
    stringToSign,
  };
}

/** The signed SendSms request for one message: headers and JSON body. */
export function tencentSendSmsRequest(config: TencentSmsConfig, message: OutgoingMessage, at: Date): { headers: Record<string, string>; body: string } {
  const template = templateFor(config.templates, message, 'Tencent Cloud');
  const variables = message.variables ?? {};
  const body = JSON.stringify({
    PhoneNumberSet: [e164(message.to)],
    SmsSdkAppId: config.sdkAppId,
    SignName: config.signName,
    TemplateId: template.code,
    TemplateParamSet: template.params.map((variable) => parameterValue(variables, variable, message.template ?? '')),
    SessionContext: message.idempotencyKey,
  });
  const timestamp = Math.floor(at.getTime() / 1000);
  const host = new URL(config.endpoint).host;
  const { authorization } = tc3Authorization({ secretId: config.secretId, secretKey: config.secretKey, service: 'sms', host, action: 'SendSms', timestamp, payload: body });
  return {
    headers: {
      Authorization: authorization,
      'Content-Type': 'application/json; charset=utf-8',
      Host: host,
      'X-TC-Action': 'SendSms',
      'X-TC-Version': '2021-01-11',
      'X-TC-Timestamp': String(timestamp),
      'X-TC-Region': config.region,
    },
    body,
  };
}

/** Tencent Cloud codes (SendSms error codes) that no retry will change. */
function tencentBounces(code: string): boolean {
  return (
    code.startsWith('InvalidParameterValue.') ||
    code.startsWith('UnsupportedOperation.') ||
    code === 'FailedOperation.PhoneNumberInBlacklist' ||
    code === 'FailedOperation.TemplateIncorrectOrUnapproved' ||
    code === 'FailedOperation.SignatureIncorrectOrUnapproved' ||
    code === 'FailedOperation.ContainSensitiveWord' ||
    code === 'FailedOperation.MissingSignature' ||
    code === 'FailedOperation.MissingTemplate'
  );
}

/** "Ok" → sent; a bounce code → bounced; LimitExceeded.*, RequestLimitExceeded, InternalError.* and the rest → retry. */
export function tencentOutcome(status: number, text: string): { providerId?: string } {
  type Answer = { Response?: { Error?: { Code?: unknown }; SendStatusSet?: Array<{ Code?: unknown; SerialNo?: unknown }> } };
  let answer: Answer = {};
  try {
    answer = JSON.parse(text) as Answer;
  } catch {
    // Not the API's JSON: judged by the status alone.
  }
  const first = answer.Response?.SendStatusSet?.[0];
  const code = providerCode(answer.Response?.Error?.Code) ?? providerCode(first?.Code);
  if (status >= 200 && status < 300 && code === 'Ok') return { providerId: providerCode(first?.SerialNo) };
  const reason = `Tencent Cloud SMS answered HTTP ${status}${code ? ` ${code}` : ''}`;
  if (code && tencentBounces(code)) throw new PermanentDeliveryError(reason);
  throw new Error(reason);
}

export function tencentSms(config: TencentSmsConfig, now: () => Date): Transport {
  return {
    async send(message: OutgoingMessage) {
      const { headers, body } = tencentSendSmsRequest(config, message, now());
      const res = await outboundRequest(config.endpoint, { method: 'POST', headers, body });
      return tencentOutcome(res.status, res.text);
    },
  };
}
