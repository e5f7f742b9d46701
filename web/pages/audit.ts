// Auditors: any vehicle's full history (audit events with their hash chain, every human action with
// actor and time, the raw Temporal event history of each run), exportable; the chain check.
import express, { Request, Router } from 'express';
import { principalOf } from '../../api/auth/middleware';
import { maskPhonesDeep, seesPhoneNumbers } from '../../api/auth/policy';
import { CHAIN_ROWS_SQL, ChainRow, STORE_CHAIN_ROWS_SQL, StoreChainRow, verifyChainRows, verifyStoreChainRows } from '../../api/audit/verifyChain';
import { isWorkflowNotFound } from '../../api/workflowErrors';
import { notFound, page, visibleVin, WebContext } from '../context';
import { text } from '../i18n';
import { langOf, renderPage } from '../render';
import { rawHistoryEvents } from '../temporalHistory';
import { temporalWorkflowUrl } from './vehicle';

interface RunHistory {
  workflowId: string;
  runId: string;
  url: string;
  events: { eventId: string; eventType: string; eventTime: string; detail: string }[];
}

export function csvCell(value: unknown): string {
  const s = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  // A leading =, +, - or @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function auditPages(ctx: WebContext): Router {
  const router = express.Router();

  const vinOf = (req: Request) => visibleVin(ctx, req);

  const auditEvents = async (req: Request, vin: string) => {
    const events = await ctx.db.auditEvent.findMany({ where: { vin }, orderBy: [{ chainSeq: 'asc' }, { id: 'asc' }] });
    const rows = events.map((e) => ({ ...e, id: e.id.toString() }));
    return seesPhoneNumbers(principalOf(req).role) ? rows : maskPhonesDeep(rows);
  };

  const histories = async (req: Request, events: { workflowId: string; runId: string }[]): Promise<RunHistory[]> => {
    const runs = [...new Map(events.map((e) => [`${e.workflowId} ${e.runId}`, e])).values()];
    const out: RunHistory[] = [];
    for (const run of runs) {
      try {
        const history = await ctx.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
        // Decoded with the product's own keys, as its workers read them.
        const raw = await rawHistoryEvents(history.events ?? [], ctx.client.options.loadedDataConverter);
        const shown = seesPhoneNumbers(principalOf(req).role) ? raw : maskPhonesDeep(raw);
        out.push({
          workflowId: run.workflowId,
          runId: run.runId,
          url: `${temporalWorkflowUrl(ctx, run.workflowId)}/${encodeURIComponent(run.runId)}/history`,
          events: shown.map((e) => ({ eventId: e.eventId, eventType: e.eventType, eventTime: e.eventTime, detail: JSON.stringify(e.detail, null, 2) })),
        });
      } catch (err) {
        // Runs past the namespace's retention are gone from Temporal; the audit log still holds them.
        if (!isWorkflowNotFound(err)) throw err;
        out.push({ workflowId: run.workflowId, runId: run.runId, url: temporalWorkflowUrl(ctx, run.workflowId), events: [] });
      }
    }
    return out;
  };

  router.get('/audit', page('audit.read'), async (req, res) => {
    const p = principalOf(req);
    const recent = await ctx.db.auditEvent.findMany({
      where: { actor: { not: 'system' }, ...(p.allStores ? {} : { vehicle: { storeId: p.storeId } }) },
      orderBy: { id: 'desc' },
      take: 100,
    });
    res.send(renderPage(req, 'audit', text(langOf(req), 'audit'), { recent }));
  });

  router.get('/audit/verify', page('audit.read'), async (req, res) => {
    const report = verifyChainRows(await ctx.db.$queryRawUnsafe<ChainRow[]>(CHAIN_ROWS_SQL));
    const stores = verifyStoreChainRows(await ctx.db.$queryRawUnsafe<StoreChainRow[]>(STORE_CHAIN_ROWS_SQL));
    res.send(renderPage(req, 'auditVerify', text(langOf(req), 'verifyChain'), { report, stores, ok: report.problems.length === 0 && stores.problems.length === 0 }));
  });

  router.get('/audit/vehicles/:vin', page('audit.read'), async (req, res) => {
    const vin = await vinOf(req);
    const events = await auditEvents(req, vin);
    if (events.length === 0) throw notFound(`no audit events for VIN ${vin}`);
    res.send(
      renderPage(req, 'auditVehicle', `${text(langOf(req), 'audit')} ${vin}`, {
        vin,
        events: events.map((e) => ({ ...e, human: e.actor !== 'system', hashShort: e.hash?.slice(0, 12), dataJson: JSON.stringify(e.data) })),
        humanActions: events.filter((e) => e.actor !== 'system'),
        histories: await histories(req, events),
      }),
    );
  });

  router.get('/audit/vehicles/:vin/export.json', page('audit.read'), async (req, res) => {
    const vin = await vinOf(req);
    const events = await auditEvents(req, vin);
    const temporal = (await histories(req, events)).map((h) => ({ workflowId: h.workflowId, runId: h.runId, events: h.events.map((e) => JSON.parse(e.detail)) }));
    res.setHeader('Content-Disposition', `attachment; filename="audit-${vin}.json"`);
    res.json({ vin, exportedAt: ctx.clock.now().toISOString(), exportedBy: principalOf(req).id, auditEvents: events, temporalHistories: temporal });
  });

  router.get('/audit/vehicles/:vin/export.csv', page('audit.read'), async (req, res) => {
    const vin = await vinOf(req);
    const events = await auditEvents(req, vin);
    const columns = ['id', 'chainSeq', 'occurredAt', 'recordedAt', 'actor', 'action', 'rule', 'workflowId', 'runId', 'cycle', 'data', 'prevHash', 'hash'] as const;
    const lines = [columns.join(','), ...events.map((e) => columns.map((c) => csvCell(e[c] instanceof Date ? (e[c] as Date).toISOString() : e[c])).join(','))];
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="audit-${vin}.csv"`);
    // A BOM so spreadsheet programs read the Chinese text as UTF-8.
    res.send(`\uFEFF${lines.join('\r\n')}\r\n`);
  });
  return router;
}
