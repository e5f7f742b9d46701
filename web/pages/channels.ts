// A store's channels in the admin UI: what each way out is configured with (secrets masked) and where
// that comes from (the store, the environment, or nothing: messages wait in the outbox); for the
// managers who may, a form per channel — the same command as PUT /api/stores/:id/channels/:channel
// (commands/channels.ts).
import express, { Request, Router } from 'express';
import { principalOf } from '../../api/auth/middleware';
import { can } from '../../api/auth/policy';
import { storeChannels } from '../../api/notifications/channelAdmin';
import { configureChannelCommand } from '../../commands/channels';
import { runCommand } from '../../commands/command';
import { HttpError } from '../../api/httpError';
import { notFound, page, WebContext } from '../context';
import { setFlash, takeFlash } from '../flash';
import { text } from '../i18n';
import { flashOf } from '../refusal';
import { langOf, renderPage } from '../render';

/** What each channel's config looks like (README "Channels"), as the form's placeholder. */
const EXAMPLES: Record<string, string> = {
  EMAIL: '{"url": "smtps://user:pass@mail.example.com:465", "from": "示范4S店 <service@example.com>"}',
  SMS: '{"url": "https://sms.example.com/send", "authHeader": "Authorization: Bearer …"}',
  WECOM: '{"webhookUrl": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"}',
  DINGTALK: '{"webhookUrl": "https://oapi.dingtalk.com/robot/send?access_token=…", "secret": "SEC…"}',
};

function storeIdOf(req: Request): string {
  const id = String(req.params.id);
  // Another store's channels are not even confirmed to exist, like another store's vehicles.
  if (!principalOf(req).allStores && id !== principalOf(req).storeId) throw notFound(`no store ${id}`);
  return id;
}

export function channelPages(ctx: WebContext): Router {
  const router = express.Router();

  router.get('/stores/:id/channels', page('channels.read'), async (req, res) => {
    const p = principalOf(req);
    const storeId = storeIdOf(req);
    let view;
    try {
      view = await storeChannels(ctx.db, p, storeId);
    } catch (err) {
      if (err instanceof HttpError && err.status === 422) throw notFound(err.message);
      throw err;
    }
    res.send(
      renderPage(req, 'channels', `${text(langOf(req), 'channels')} · ${storeId}`, {
        storeId,
        otherStores: p.allStores ? (await ctx.db.store.findMany({ orderBy: { id: 'asc' }, select: { id: true, name: true } })).filter((s) => s.id !== storeId) : [],
        manage: can(p.role, 'channels.manage'),
        // A channel configured for the first time is meant to be used: its box starts ticked.
        channels: view.channels.map((c) => ({ ...c, config: c.config === undefined ? '' : JSON.stringify(c.config, null, 2), example: EXAMPLES[c.channel], switchedOn: c.enabled || c.source === 'none' })),
        flash: takeFlash(req, res),
      }),
    );
  });

  router.post('/stores/:id/channels/:channel', page('channels.manage'), async (req, res) => {
    const lang = langOf(req);
    const storeId = storeIdOf(req);
    const channel = String(req.params.channel);
    const flash = await flashOf(lang, `${text(lang, 'channelSaved')}: ${channel}`, async () => {
      let config: unknown;
      try {
        config = JSON.parse(String(req.body?.config ?? ''));
      } catch {
        throw new HttpError(400, 'config: not valid JSON');
      }
      return runCommand(ctx.commands, principalOf(req), configureChannelCommand, { storeId, channel }, { enabled: req.body?.enabled === '1', config });
    });
    setFlash(res, flash);
    res.redirect(`/stores/${encodeURIComponent(storeId)}/channels`);
  });
  return router;
}
