// The outbox: what the workflows queued for customers and staff, where each message stands and why,
// counts per status, and for the people who settle undelivered messages "send again" or "resolved by
// phone" — the same commands as POST /api/outbox/:id/retry|resolve (commands/outbox.ts).
import express, { Router } from 'express';
import { principalOf } from '../../api/auth/middleware';
import { can } from '../../api/auth/policy';
import { listOutbox, OUTBOX_CHANNELS, OUTBOX_STATUSES, outboxQuerySchema, SETTLEABLE } from '../../api/notifications/outbox';
import { runCommand } from '../../commands/command';
import { resolveMessageCommand, retryMessageCommand } from '../../commands/outbox';
import { page, WebContext } from '../context';
import { localPath, setFlash, takeFlash } from '../flash';
import { text } from '../i18n';
import { flashOf } from '../refusal';
import { langOf, renderPage } from '../render';

/** The filters the page offers, blanks dropped; a malformed one (a short VIN) lists everything and says so. */
function filtersOf(query: Record<string, unknown>) {
  const value = (k: string) => (typeof query[k] === 'string' ? (query[k] as string).trim() : '');
  const asked = { store: value('store'), status: value('status').toUpperCase(), channel: value('channel').toUpperCase(), vin: value('vin').toUpperCase() };
  const parsed = outboxQuerySchema.safeParse({ ...Object.fromEntries(Object.entries(asked).filter(([, v]) => v)), limit: 200 });
  return parsed.success ? { filter: parsed.data, invalid: false } : { filter: outboxQuerySchema.parse({ limit: 200 }), invalid: true };
}

export function outboxPages(ctx: WebContext): Router {
  const router = express.Router();

  router.get('/outbox', page('outbox.view'), async (req, res) => {
    const p = principalOf(req);
    const { filter, invalid } = filtersOf(req.query as Record<string, unknown>);
    const { messages, counts } = await listOutbox(ctx.db, p, filter);
    const settles = can(p.role, 'outbox.settle');
    const stores = p.allStores ? await ctx.db.store.findMany({ orderBy: { id: 'asc' }, select: { id: true, name: true } }) : [];
    const query = (status: string) => new URLSearchParams({ ...(filter.store ? { store: filter.store } : {}), status }).toString();
    res.send(
      renderPage(req, 'outbox', text(langOf(req), 'outbox'), {
        filter,
        invalid,
        allStores: p.allStores,
        stores: stores.map((s) => ({ ...s, selected: s.id === filter.store })),
        statuses: OUTBOX_STATUSES.map((s) => ({ value: s, selected: s === filter.status })),
        channels: OUTBOX_CHANNELS.map((c) => ({ value: c, selected: c === filter.channel })),
        counts: OUTBOX_STATUSES.map((s) => ({ status: s, count: counts[s] ?? 0, href: `/outbox?${query(s)}` })),
        messages: messages.map((m) => ({ ...m, settle: settles && SETTLEABLE.includes(m.status) })),
        returnTo: req.originalUrl,
        channelsUrl: can(p.role, 'channels.read') ? `/stores/${encodeURIComponent(filter.store ?? p.storeId)}/channels` : undefined,
        flash: takeFlash(req, res),
      }),
    );
  });

  for (const [action, command] of [['retry', retryMessageCommand], ['resolve', resolveMessageCommand]] as const) {
    router.post(`/outbox/:id/${action}`, page('outbox.settle'), async (req, res) => {
      const lang = langOf(req);
      const note = typeof req.body?.note === 'string' && req.body.note.trim() ? { note: req.body.note } : {};
      const flash = await flashOf(lang, text(lang, action === 'retry' ? 'messageRequeued' : 'messageResolved'), () => runCommand(ctx.commands, principalOf(req), command, { messageId: String(req.params.id) }, note));
      setFlash(res, flash);
      res.redirect(localPath(req.body?.returnTo, '/outbox'));
    });
  }
  return router;
}
