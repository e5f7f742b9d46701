// The imports page (issue 16): upload a DMS export, choose its column mapping (presets), check it (the dry
// run's report, reasons in the page's language), import it with a progress bar, and the store's exports.
// The same commands as the API (commands/dmsImport.ts); the page refreshes itself while an import runs.
import busboy from 'busboy';
import express, { NextFunction, Request, Response, Router } from 'express';
import { principalOf } from '../../api/auth/middleware';
import { can } from '../../api/auth/policy';
import { inStore } from '../../api/auth/principal';
import { HttpError } from '../../api/httpError';
import { sendCsv } from '../../api/importRoutes';
import { runCommand } from '../../commands/command';
import { dryRunImportCommand, runImportCommand, uploadImportCommand } from '../../commands/dmsImport';
import { EXPORTS } from '../../import/export';
import { IMPORT_FIELDS, IMPORT_KINDS, ImportKind } from '../../import/fields';
import { changeText, progressOf, reasonText, reportCsv, reportRows } from '../../import/jobs';
import { MAX_FILE_BYTES, readTable } from '../../import/table';
import { notFound, page, WebContext } from '../context';
import { REFUSALS } from '../refusal';
import { setFlash, takeFlash } from '../flash';
import { Lang, text } from '../i18n';
import { langOf, renderPage } from '../render';

/** Report rows shown on the page; the CSV has them all. */
const SHOWN_ROWS = 1000;

const importsPath = (storeId: string) => `/stores/${encodeURIComponent(storeId)}/imports`;
const jobPath = (storeId: string, jobId: string) => `${importsPath(storeId)}/${jobId}`;

/** A refusal in the page's language: each issue's Chinese where it has one. */
function refusalText(lang: Lang, err: HttpError): string {
  const issues = Array.isArray(err.details) ? (err.details as { path?: string; message?: string; zh?: string }[]) : [];
  const shown = issues.length ? issues.map((i) => `${i.path ? `${i.path}: ` : ''}${lang === 'zh' ? (i.zh ?? i.message) : i.message}`).join('; ') : err.message;
  return `${text(lang, 'stepRefused')}: ${shown}`;
}

interface Upload {
  fields: Record<string, string>;
  file?: { name: string; content: Buffer };
}

/** The upload form: its fields and its one file, at most 10 MB (413 beyond). */
function readUpload(req: Request): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let form: busboy.Busboy;
    try {
      form = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fields: 10, fileSize: MAX_FILE_BYTES, fieldSize: 1024 } });
    } catch {
      return reject(new HttpError(400, 'not a readable form'));
    }
    const upload: Upload = { fields: {} };
    form.on('field', (name, value) => (upload.fields[name] = value));
    form.on('file', (_name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => reject(new HttpError(413, 'request body too large')));
      stream.on('end', () => (upload.file = { name: info.filename ?? 'upload', content: Buffer.concat(chunks) }));
    });
    form.on('error', () => reject(new HttpError(400, 'not a readable form')));
    form.on('close', () => resolve(upload));
    req.pipe(form);
  });
}

export function importPages(ctx: WebContext): Router {
  const router = express.Router();
  const { db, clock } = ctx;

  const visibleStore = async (req: Request) => {
    const storeId = String(req.params.id);
    const store = inStore(principalOf(req), storeId) ? await db.store.findUnique({ where: { id: storeId }, select: { id: true, name: true } }) : null;
    if (!store) throw notFound(`no store ${storeId}`);
    return store;
  };

  const visibleJob = async (req: Request) => {
    const store = await visibleStore(req);
    const jobId = String(req.params.jobId);
    const job = /^[0-9a-f-]{36}$/.test(jobId) ? await db.importJob.findFirst({ where: { id: jobId, storeId: store.id }, omit: { content: true } }) : null;
    if (!job) throw notFound(`no import ${jobId}`);
    return { store, job };
  };

  const listPage = async (req: Request, store: { id: string; name: string }, flash?: ReturnType<typeof takeFlash>) => {
    const p = principalOf(req);
    const jobs = await db.importJob.findMany({ where: { storeId: store.id }, orderBy: { createdAt: 'desc' }, take: 20, omit: { content: true } });
    return renderPage(req, 'imports', `${text(langOf(req), 'imports')} · ${store.name}`, {
      store,
      flash,
      canImport: can(p.role, 'store.import'),
      kinds: IMPORT_KINDS.map((k) => ({ value: k, label: `option.importKind.${k}` })),
      jobs: await Promise.all(jobs.map(async (j) => ({ ...(await progressOf(db, j, clock.now())), href: jobPath(store.id, j.id), kindLabel: `option.importKind.${j.kind}`, statusLabel: `importStatus.${j.status}` }))),
      exports: EXPORTS.map((name) => ({ name, label: `importExport.${name}`, href: `/api/stores/${encodeURIComponent(store.id)}/export/${name}.csv` })),
    });
  };

  const jobPage = async (req: Request, res: Response, found: Awaited<ReturnType<typeof visibleJob>>, message?: { kind: 'ok' | 'error'; message: string }) => {
    const { store, job } = found;
    const lang = langOf(req);
    const progress = await progressOf(db, job, clock.now());
    const kind = job.kind as ImportKind;
    const running = progress.status === 'RUNNING' && !progress.interrupted;
    const editable = progress.status === 'UPLOADED' || progress.status === 'PLANNED';
    // The file is read for its columns only while they can be mapped; the rows only when the run is not moving them.
    const [headers, presets, rows] = await Promise.all([
      editable ? db.importJob.findUniqueOrThrow({ where: { id: job.id }, select: { content: true } }).then(async ({ content }) => (await readTable(Buffer.from(content))).headers) : [],
      db.importPreset.findMany({ where: { storeId: store.id, kind }, orderBy: { name: 'asc' } }),
      running ? [] : reportRows(db, job.id),
    ]);
    // The progress bar moves by the page asking again; pages run no inline script.
    if (running) res.setHeader('Refresh', '2');
    const base = jobPath(store.id, job.id);
    return renderPage(req, 'importJob', `${job.fileName} · ${text(lang, 'imports')}`, {
      store,
      flash: message,
      job: progress,
      back: importsPath(store.id),
      statusLabel: `importStatus.${progress.status}`,
      kindLabel: `option.importKind.${kind}`,
      editable,
      runnable: progress.status === 'PLANNED' || progress.interrupted,
      running,
      done: progress.status === 'DONE',
      dryRunAction: `${base}/dry-run`,
      runAction: `${base}/run`,
      reportCsv: `${base}/report.csv`,
      fields: IMPORT_FIELDS[kind].map((f) => ({
        name: f.name,
        label: `importField.${f.name}`,
        required: f.required,
        options: headers.map((h) => ({ value: h, selected: progress.mapping[f.name] === h })),
      })),
      presets: presets.map((p) => p.name),
      counts: (['CREATE', 'UPDATE', 'UNCHANGED', 'REFUSED'] as const).map((a) => ({ label: `importAction.${a}`, action: a, n: progress.counts[a] })),
      overdueDays: Object.entries(progress.overdue.days).map(([day, n]) => ({ day, n })),
      planned: progress.status !== 'UPLOADED',
      rows: rows.slice(0, SHOWN_ROWS).map((r) => ({ ...r, label: `importAction.${r.action}`, notes: [...r.reasons.map((x) => reasonText(lang, x)), ...r.changes.map(changeText)] })),
      more: Math.max(0, rows.length - SHOWN_ROWS),
    });
  };

  /** Changing forms of the job pages: the command's refusal is shown on the job's page with the status it had. */
  const onJob = (change: (req: Request, res: Response, found: Awaited<ReturnType<typeof visibleJob>>) => Promise<void>) => async (req: Request, res: Response) => {
    const found = await visibleJob(req);
    try {
      await change(req, res, found);
    } catch (err) {
      if (!(err instanceof HttpError) || !REFUSALS.includes(err.status)) throw err;
      res.status(err.status).send(await jobPage(req, res, found, { kind: 'error', message: refusalText(langOf(req), err) }));
    }
  };

  router.get('/stores/:id/imports', page('store.export'), async (req, res) => {
    const store = await visibleStore(req);
    res.send(await listPage(req, store, takeFlash(req, res)));
  });

  router.post(
    '/stores/:id/imports',
    (req: Request, res: Response, next: NextFunction) => {
      // Who may is checked before the file is read; the CSRF token travels inside the form, so after.
      if (!req.principal) return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      if (!can(req.principal.role, 'store.import')) return next(new HttpError(403, `a ${req.principal.role} may not store.import`));
      readUpload(req).then((upload) => {
        req.body = { ...upload.fields, file: upload.file };
        next();
      }, next);
    },
    page('store.import'),
    async (req, res) => {
      const store = await visibleStore(req);
      const lang = langOf(req);
      const { kind, file } = req.body as { kind?: string; file?: Upload['file'] };
      try {
        if (!file || file.content.length === 0) throw new HttpError(400, 'choose a file', [{ path: 'file', message: 'choose a file', zh: '请选择文件' }]);
        const uploaded = await runCommand(ctx.commands, principalOf(req), uploadImportCommand, { storeId: store.id }, { kind, fileName: file.name, content: file.content });
        setFlash(res, { kind: 'ok', message: `${text(lang, 'importUploaded')}: ${uploaded.fileName} (${uploaded.rowCount})` });
        res.redirect(303, jobPath(store.id, uploaded.id));
      } catch (err) {
        if (!(err instanceof HttpError) || !REFUSALS.includes(err.status)) throw err;
        res.status(err.status).send(await listPage(req, store, { kind: 'error', message: refusalText(lang, err) }));
      }
    },
  );

  router.get('/stores/:id/imports/:jobId', page('store.import'), async (req, res) => {
    const found = await visibleJob(req);
    const flash = takeFlash(req, res);
    res.send(await jobPage(req, res, found, flash));
  });

  router.get('/stores/:id/imports/:jobId/report.csv', page('store.import'), async (req, res) => {
    const { job } = await visibleJob(req);
    sendCsv(res, `import-${job.id}.csv`, reportCsv(await reportRows(db, job.id), langOf(req)));
  });

  router.post(
    '/stores/:id/imports/:jobId/dry-run',
    page('store.import'),
    onJob(async (req, res, found) => {
      const form = (req.body ?? {}) as Record<string, unknown>;
      const mapping = Object.fromEntries(IMPORT_FIELDS[found.job.kind as ImportKind].flatMap((f) => (typeof form[`map.${f.name}`] === 'string' && form[`map.${f.name}`] !== '' ? [[f.name, form[`map.${f.name}`] as string]] : [])));
      const chosen = (name: string) => (typeof form[name] === 'string' && (form[name] as string).trim() !== '' ? (form[name] as string) : undefined);
      const perDay = chosen('overduePerDay');
      const preset = chosen('preset');
      const planned = await runCommand(ctx.commands, principalOf(req), dryRunImportCommand, { storeId: found.store.id, jobId: found.job.id }, {
        ...(preset ? { preset } : { mapping }),
        savePreset: chosen('savePreset'),
        overduePerDay: perDay === undefined ? undefined : Number(perDay),
      });
      const job = await db.importJob.findUniqueOrThrow({ where: { id: planned.id }, omit: { content: true } });
      res.send(await jobPage(req, res, { ...found, job }));
    }),
  );

  router.post(
    '/stores/:id/imports/:jobId/run',
    page('store.import'),
    onJob(async (req, res, found) => {
      const { proceed, ...started } = await runCommand(ctx.commands, principalOf(req), runImportCommand, { storeId: found.store.id, jobId: found.job.id }, {});
      proceed().catch((err) => console.error(`import ${started.id} stopped:`, err));
      setFlash(res, { kind: 'ok', message: text(langOf(req), 'importStarted') });
      res.redirect(303, jobPath(found.store.id, found.job.id));
    }),
  );

  return router;
}

