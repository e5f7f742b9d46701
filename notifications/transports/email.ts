// E-mail over SMTP with nodemailer; customer messages and pages to staff alike.
import nodemailer from 'nodemailer';
import type { SmtpConfig } from '../channelConfig';
import { messageIdFor, OutgoingMessage, PermanentDeliveryError, Transport } from './transport';

export function emailTransport(config: SmtpConfig): Transport & { close(): void } {
  const mailer = nodemailer.createTransport(config.url, { connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 60_000 } as never);
  return {
    async send(message: OutgoingMessage) {
      try {
        const info = await mailer.sendMail({
          from: config.from,
          to: message.to,
          subject: message.subject,
          text: message.body,
          messageId: messageIdFor(message.idempotencyKey),
          headers: { 'X-Service-Lane-Key': message.idempotencyKey },
        });
        return { providerId: info.messageId };
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        // 5xx is the server's final word (no such mailbox, refused); 4xx and network trouble may pass.
        if (code !== undefined && code >= 500) throw new PermanentDeliveryError(`bounced: ${(err as Error).message}`);
        throw err;
      }
    },
    close: () => mailer.close(),
  };
}
