// Alibaba Cloud and Tencent Cloud request signing against the examples the providers publish (fixed
// inputs, expected signature from their documentation), then the SendSms requests built on it and how
// the providers' answers map to sent / retry / bounce.
import { aliyunSmsConfigSchema, tencentSmsConfigSchema } from '../../notifications/channelConfig';
import { aliyunOutcome, aliyunRpcSignature, aliyunSendSmsParams, tc3Authorization, tencentOutcome, tencentSendSmsRequest } from '../../notifications/transports/chinaSms';
import { PermanentDeliveryError } from '../../notifications/transports/transport';

describe('Alibaba Cloud RPC signature (version 1.0, HMAC-SHA1)', () => {
  it('matches the example of the "Request signatures" (RPC) document: ECS DescribeRegions', () => {
    // Alibaba Cloud, "Request signatures" for RPC-style APIs, section "Example": AccessKeyId testid,
    // AccessKeySecret testsecret, signature computed with "testsecret&".
    const params = {
      Timestamp: '2016-02-23T12:46:24Z',
      Format: 'XML',
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      Version: '2014-05-26',
      SignatureVersion: '1.0',
    };
    expect(aliyunRpcSignature('GET', params, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('matches the example of the SMS API document "HTTP protocol and signature": SendSms', () => {
    // Alibaba Cloud SMS (dysmsapi 2017-05-25), "HTTP协议及签名" example: AccessKeyId testId, secret testSecret,
    // a Chinese SignName and a JSON TemplateParam, published signature zJDF+Lrzhj/ThnlvIToysFRq6t4=.
    const params = {
      AccessKeyId: 'testId',
      Action: 'SendSms',
      Format: 'XML',
      OutId: '123',
      PhoneNumbers: '15300000001',
      RegionId: 'cn-hangzhou',
      SignName: '阿里云短信测试专用',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
      SignatureVersion: '1.0',
      TemplateCode: 'SMS_71390007',
      TemplateParam: '{"customer":"test"}',
      Timestamp: '2017-07-12T02:42:19Z',
      Version: '2017-05-25',
    };
    expect(aliyunRpcSignature('GET', params, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });
});

describe('Tencent Cloud signature v3 (TC3-HMAC-SHA256)', () => {
  it('matches the example of the API 3.0 "Signature v3" document: CVM DescribeInstances', () => {
    // Tencent Cloud API 3.0, "Signature v3": SecretKey Gu5t9xGARNpq86cd98joQYCN3EXAMPLE, timestamp 1551113065,
    // signed headers content-type;host, with the intermediate hashes and the signature the document prints.
    const signed = tc3Authorization({
      secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
      secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
      service: 'cvm',
      host: 'cvm.tencentcloudapi.com',
      action: 'DescribeInstances',
      timestamp: 1551113065,
      payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
    });
    expect(signed.canonicalRequest.split('\n').at(-1)).toBe('35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
    expect(signed.stringToSign).toBe('TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031');
    expect(signed.signature).toBe('72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
    expect(signed.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
  });
});

const message = {
  to: '+8613800138000',
  subject: '取车提醒',
  body: '王先生，您的车已可取。',
  idempotencyKey: 'wf-1:1:pickup:SMS',
  template: 'pickup-ready',
  variables: { customerName: '王先生', plate: '苏F12345', readyAt: '17:30' },
};
const at = new Date('2026-11-23T09:30:00.123Z');

describe('SendSms requests', () => {
  it('Alibaba: the approved template by code, parameters from the message variables, signed over what is sent', () => {
    const config = aliyunSmsConfigSchema.parse({
      provider: 'aliyun',
      accessKeyId: 'LTAI-test',
      accessKeySecret: 'secret-test',
      signName: '南通示范店',
      templates: { 'pickup-ready': { code: 'SMS_123456', params: { name: 'customerName', plate: 'plate' } } },
    });
    const params = aliyunSendSmsParams(config, message, at, 'nonce-1');
    const { Signature, ...signed } = params;
    expect(signed).toEqual({
      AccessKeyId: 'LTAI-test',
      Action: 'SendSms',
      Format: 'JSON',
      OutId: 'wf-1:1:pickup:SMS',
      PhoneNumbers: '13800138000',
      RegionId: 'cn-hangzhou',
      SignName: '南通示范店',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: 'nonce-1',
      SignatureVersion: '1.0',
      TemplateCode: 'SMS_123456',
      TemplateParam: '{"name":"王先生","plate":"苏F12345"}',
      Timestamp: '2026-11-23T09:30:00Z',
      Version: '2017-05-25',
    });
    expect(Signature).toBe(aliyunRpcSignature('POST', signed, 'secret-test'));
  });

  it('Tencent: E.164 number, template id and ordered parameters, the TC3 authorization over the body', () => {
    const config = tencentSmsConfigSchema.parse({
      provider: 'tencent',
      secretId: 'AKID-test',
      secretKey: 'key-test',
      sdkAppId: '1400000001',
      signName: '南通示范店',
      templates: { 'pickup-ready': { code: '1234567', params: ['customerName', 'readyAt'] } },
    });
    const { headers, body } = tencentSendSmsRequest(config, { ...message, to: '13800138000' }, at);
    expect(JSON.parse(body)).toEqual({
      PhoneNumberSet: ['+8613800138000'],
      SmsSdkAppId: '1400000001',
      SignName: '南通示范店',
      TemplateId: '1234567',
      TemplateParamSet: ['王先生', '17:30'],
      SessionContext: 'wf-1:1:pickup:SMS',
    });
    const timestamp = Math.floor(at.getTime() / 1000);
    expect(headers).toEqual({
      Authorization: tc3Authorization({ secretId: 'AKID-test', secretKey: 'key-test', service: 'sms', host: 'sms.tencentcloudapi.com', action: 'SendSms', timestamp, payload: body }).authorization,
      'Content-Type': 'application/json; charset=utf-8',
      Host: 'sms.tencentcloudapi.com',
      'X-TC-Action': 'SendSms',
      'X-TC-Version': '2021-01-11',
      'X-TC-Timestamp': String(timestamp),
      'X-TC-Region': 'ap-guangzhou',
    });
    expect(headers.Authorization).toMatch(/^TC3-HMAC-SHA256 Credential=AKID-test\/2026-11-23\/sms\/tc3_request, SignedHeaders=content-type;host, Signature=[0-9a-f]{64}$/);
  });

  it('a message key without a template code, or a missing variable, bounces with the reason', () => {
    const config = aliyunSmsConfigSchema.parse({ provider: 'aliyun', accessKeyId: 'a', accessKeySecret: 'b', signName: 'c', templates: { 'pickup-ready': { code: 'SMS_1', params: { v: 'vin' } } } });
    expect(() => aliyunSendSmsParams(config, { ...message, template: 'booking-confirmed' }, at, 'n')).toThrow(new PermanentDeliveryError('no Alibaba Cloud SMS template code configured for message booking-confirmed'));
    expect(() => aliyunSendSmsParams(config, message, at, 'n')).toThrow('message pickup-ready has no variable vin for its SMS template');
  });
});

describe('provider answers', () => {
  const outcome = (f: () => unknown) => {
    try {
      return { sent: f() };
    } catch (err) {
      return { [err instanceof PermanentDeliveryError ? 'bounced' : 'retry']: (err as Error).message };
    }
  };

  it('Alibaba: OK is sent; throttling and system errors retry; a bad number or template bounces; the Message is never repeated', () => {
    expect(outcome(() => aliyunOutcome(200, '{"Code":"OK","Message":"OK","BizId":"9006197469364984^0","RequestId":"r"}'))).toEqual({ sent: { providerId: '9006197469364984^0' } });
    expect(outcome(() => aliyunOutcome(200, '{"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"触发分钟级流控Permits:1"}'))).toEqual({ retry: 'Alibaba Cloud SMS answered HTTP 200 isv.BUSINESS_LIMIT_CONTROL' });
    expect(outcome(() => aliyunOutcome(400, '{"Code":"Throttling.User","Message":"Request was denied due to user flow control."}'))).toEqual({ retry: 'Alibaba Cloud SMS answered HTTP 400 Throttling.User' });
    expect(outcome(() => aliyunOutcome(500, '{"Code":"isp.SYSTEM_ERROR"}'))).toEqual({ retry: 'Alibaba Cloud SMS answered HTTP 500 isp.SYSTEM_ERROR' });
    expect(outcome(() => aliyunOutcome(200, '{"Code":"isv.MOBILE_NUMBER_ILLEGAL","Message":"非法手机号 138"}'))).toEqual({ bounced: 'Alibaba Cloud SMS answered HTTP 200 isv.MOBILE_NUMBER_ILLEGAL' });
    expect(outcome(() => aliyunOutcome(200, '{"Code":"isv.SMS_TEMPLATE_ILLEGAL"}'))).toEqual({ bounced: 'Alibaba Cloud SMS answered HTTP 200 isv.SMS_TEMPLATE_ILLEGAL' });
    expect(outcome(() => aliyunOutcome(502, '<html>bad gateway</html>'))).toEqual({ retry: 'Alibaba Cloud SMS answered HTTP 502' });
  });

  it('Tencent: Ok is sent; limits and internal errors retry; a bad number or unapproved template bounces', () => {
    const status = (Code: string) => JSON.stringify({ Response: { SendStatusSet: [{ SerialNo: '5000:1045710669157053657849499619', PhoneNumber: '+8613800138000', Code, Message: 'free text' }], RequestId: 'r' } });
    expect(outcome(() => tencentOutcome(200, status('Ok')))).toEqual({ sent: { providerId: '5000:1045710669157053657849499619' } });
    expect(outcome(() => tencentOutcome(200, status('LimitExceeded.PhoneNumberThirtySecondLimit')))).toEqual({ retry: 'Tencent Cloud SMS answered HTTP 200 LimitExceeded.PhoneNumberThirtySecondLimit' });
    expect(outcome(() => tencentOutcome(200, JSON.stringify({ Response: { Error: { Code: 'RequestLimitExceeded', Message: 'x' } } })))).toEqual({ retry: 'Tencent Cloud SMS answered HTTP 200 RequestLimitExceeded' });
    expect(outcome(() => tencentOutcome(200, JSON.stringify({ Response: { Error: { Code: 'InternalError.Timeout' } } })))).toEqual({ retry: 'Tencent Cloud SMS answered HTTP 200 InternalError.Timeout' });
    expect(outcome(() => tencentOutcome(200, status('InvalidParameterValue.IncorrectPhoneNumber')))).toEqual({ bounced: 'Tencent Cloud SMS answered HTTP 200 InvalidParameterValue.IncorrectPhoneNumber' });
    expect(outcome(() => tencentOutcome(200, JSON.stringify({ Response: { Error: { Code: 'FailedOperation.TemplateIncorrectOrUnapproved' } } })))).toEqual({ bounced: 'Tencent Cloud SMS answered HTTP 200 FailedOperation.TemplateIncorrectOrUnapproved' });
  });
});
