// Server-rendered pages: Handlebars views under web/views inside one layout.
import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Request } from 'express';
import { can } from '../api/auth/policy';
import { formatTime } from './format';
import { Lang, label, text, waitingLabel } from './i18n';

export { STORE_TIME_ZONE } from './format';
import { readCookies } from '../api/auth/middleware';

const hb = Handlebars.create();
const lang = (options: Handlebars.HelperOptions): Lang => (options.data.root.lang === 'en' ? 'en' : 'zh');

hb.registerHelper('t', (key: string, options: Handlebars.HelperOptions) => text(lang(options), key));
hb.registerHelper('label', (kind: string, value: string, options: Handlebars.HelperOptions) => label(lang(options), kind, value));
hb.registerHelper('waiting', (what: string, options: Handlebars.HelperOptions) => waitingLabel(lang(options), what));
hb.registerHelper('time', (value: unknown) => formatTime(value));
// Calendar dates (delivery, next due) are stored at midnight UTC and shown as the date alone.
hb.registerHelper('date', (value: unknown) => (value instanceof Date ? value.toISOString().slice(0, 10) : typeof value === 'string' ? value.slice(0, 10) : ''));
hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hb.registerHelper('isRow', (row: unknown) => typeof row === 'number');
hb.registerHelper('rowNumber', (row: number) => String(row + 1));
hb.registerHelper('json', (value: unknown) => JSON.stringify(value, null, 2));
hb.registerHelper('percent', (value: number | null) => (value === null || value === undefined ? '–' : `${Math.round(value * 100)}%`));

const viewsDir = path.join(__dirname, 'views');
const views = new Map<string, Handlebars.TemplateDelegate>();
for (const file of readdirSync(viewsDir).filter((f) => f.endsWith('.hbs'))) {
  const name = file.replace(/\.hbs$/, '');
  const source = readFileSync(path.join(viewsDir, file), 'utf8');
  if (name.startsWith('_')) hb.registerPartial(name.slice(1), source);
  else views.set(name, hb.compile(source, { strict: false }));
}
const layout = views.get('layout')!;

export function langOf(req: Request): Lang {
  return readCookies(req).sl_lang === 'en' ? 'en' : 'zh';
}

/** A page in the layout, with the navigation the signed-in person may use. */
export function renderPage(req: Request, view: string, title: string, context: Record<string, unknown> = {}): string {
  const template = views.get(view);
  if (!template) throw new Error(`no view ${view}`);
  const p = req.principal;
  const root = {
    ...context,
    lang: langOf(req),
    title,
    path: req.originalUrl,
    me: p && { id: p.id, name: p.name, role: p.role, csrf: p.session.csrfToken },
    nav: p && {
      inbox: can(p.role, 'inbox.view'),
      board: can(p.role, 'board.view'),
      manager: can(p.role, 'manager.view'),
      reports: can(p.role, 'reports.view'),
      files: can(p.role, 'files.read'),
      firstService: can(p.role, 'firstService.view'),
      audit: can(p.role, 'audit.read'),
      outbox: can(p.role, 'outbox.view'),
      capacity: can(p.role, 'capacity.read'),
      workshop: can(p.role, 'capacity.read'),
      register: can(p.role, 'vehicle.register'),
      templates: can(p.role, 'templates.read'),
      channels: can(p.role, 'channels.read') ? `/stores/${encodeURIComponent(p.storeId)}/channels` : undefined,
      staff: can(p.role, 'staff.manage') ? `/stores/${encodeURIComponent(p.storeId)}/staff` : undefined,
      imports: can(p.role, 'store.export') ? `/stores/${encodeURIComponent(p.storeId)}/imports` : undefined,
      fleets: can(p.role, 'fleet.read') ? `/stores/${encodeURIComponent(p.storeId)}/fleets` : undefined,
      setup: can(p.role, 'settings.read') ? `/stores/${encodeURIComponent(p.storeId)}/setup` : undefined,
    },
  };
  return layout({ ...root, body: template(root) });
}
