// The outbox (read only): what the workflows have queued or sent to customers. The notifications
// feature (issue 5) owns sending and templates; this page is where its fuller view belongs.
import express, { Router } from 'express';
import { principalOf } from '../../api/auth/middleware';
import { maskPhone, seesPhoneNumbers } from '../../api/auth/policy';
import { page, WebContext } from '../context';
import { text } from '../i18n';
import { langOf, renderPage } from '../render';

export function outboxPages(ctx: WebContext): Router {
  const router = express.Router();
  router.get('/outbox', page('outbox.view'), async (req, res) => {
    const p = principalOf(req);
    const messages = await ctx.db.notification.findMany({
      where: p.allStores ? {} : { vehicle: { storeId: p.storeId } },
      orderBy: { scheduledFor: 'desc' },
      take: 200,
    });
    const showPhone = seesPhoneNumbers(p.role);
    res.send(
      renderPage(req, 'outbox', text(langOf(req), 'outbox'), {
        messages: messages.map((m) => ({ ...m, recipient: m.channel === 'SMS' && !showPhone ? maskPhone(m.recipient) : m.recipient })),
      }),
    );
  });
  return router;
}
