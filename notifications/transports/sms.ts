// SMS through a provider interface; the one adapter here speaks to any HTTP gateway: the store gives
// the URL, one auth header and a body template, so it can plug in its own SMS provider.
import type { HttpSmsConfig } from '../channelConfig';
import { outboundRequest } from '../outbound';
import { renderText } from '../templates';
import { isPermanentHttpStatus, OutgoingMessage, PermanentDeliveryError, Transport } from './transport';

export type SmsProvider = Transport;

export function httpSmsGateway(config: HttpSmsConfig): SmsProvider {
  const headers: Record<string, string> = { 'content-type': config.contentType };
  if (config.authHeader) {
    const at = config.authHeader.indexOf(':');
    headers[config.authHeader.slice(0, at).trim()] = config.authHeader.slice(at + 1).trim();
  }
  return {
    async send(message: OutgoingMessage) {
      const body = renderText(config.bodyTemplate, { to: message.to, text: message.body, subject: message.subject, idempotencyKey: message.idempotencyKey }, { locale: 'en', timeZone: 'UTC' });
      const res = await outboundRequest(config.url, { method: config.method, headers: { ...headers, 'Idempotency-Key': message.idempotencyKey }, body });
      const text = res.text;
      if (res.status < 200 || res.status >= 300) {
        const reason = `SMS gateway answered HTTP ${res.status}`;
        throw isPermanentHttpStatus(res.status) ? new PermanentDeliveryError(reason) : new Error(reason);
      }
      const id = /"(?:id|messageId|msgId|requestId)"\s*:\s*"([^"]+)"/.exec(text)?.[1];
      return { providerId: id };
    },
  };
}
