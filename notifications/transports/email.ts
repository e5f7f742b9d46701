// E-mail over SMTP with nodemailer; customer messages and pages to staff alike. Each send resolves and
// checks the relay (notifications/outbound.ts) and connects to the checked address, with TLS required:
// smtps, or STARTTLS on smtp:// — plain SMTP only to a relay the operator allowlisted.
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { SmtpConfig } from '../channelConfig';
import { checkDestination, Destination, OutboundAllowlist, OutboundRefusedError, Resolver } from '../outbound';
import { messageIdFor, OutgoingMessage, PermanentDeliveryError, Transport } from './transport';

/** Checks the relay of an SMTP URL; the nodemailer options that connect to exactly that address. */
export async function smtpConnection(raw: string, options?: { allowlist?: OutboundAllowlist; resolve?: Resolver }): Promise<{ destination: Destination; transport: SMTPTransport.Options }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefusedError('not a URL');
  }
  const secure = url.protocol === 'smtps:';
  if (!secure && url.protocol !== 'smtp:') throw new OutboundRefusedError('use smtps:// or smtp:// (with STARTTLS)');
  const destination = await checkDestination(url, options);
  const transport: SMTPTransport.Options = {
    host: destination.address,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTLS: !secure && !destination.allowlisted,
    // The certificate is checked against the name the store gave, not the address connected to.
    tls: { servername: destination.hostname },
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
    socketTimeout: 60_000,
  };
  return { destination, transport };
}

export function emailTransport(config: SmtpConfig): Transport {
  return {
    async send(message: OutgoingMessage) {
      const { transport } = await smtpConnection(config.url);
      const mailer = nodemailer.createTransport(transport);
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
        const { responseCode, code } = err as { responseCode?: number; code?: string };
        // The reply code, not the server's text: the reason is shown on pages and the text may be anything.
        // 5xx is the server's final word (no such mailbox, refused); 4xx and network trouble may pass.
        if (responseCode !== undefined && responseCode >= 500) throw new PermanentDeliveryError(`bounced: SMTP ${responseCode}`);
        throw new Error(responseCode !== undefined ? `SMTP ${responseCode}` : `SMTP ${code ?? 'connection failed'}`);
      } finally {
        mailer.close();
      }
    },
  };
}
