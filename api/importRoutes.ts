// Import from a DMS export and export, over HTTP (issue 16): thin routes over the import commands
// (commands/dmsImport.ts) and the export (import/export.ts). The file is uploaded as itself (CSV or .xlsx
// content type, at most 10 MB); the dry run answers its report as JSON, or as a CSV to download.
import express, { Request, Response } from 'express';
import { z } from 'zod';
import { CommandDeps, runCommand } from '../commands/command';
import { dryRunImportCommand, runImportCommand, uploadImportCommand } from '../commands/dmsImport';
import { ReasonLang } from '../commands/reasons';
import { EXPORTS, exportCsv } from '../import/export';
import { ImportProgress, progressOf, reportCsv, reportRows } from '../import/jobs';
import { MAX_FILE_BYTES } from '../import/table';
import { UPLOAD_TYPES } from '../import/upload';
import { authorize, principalOf } from './auth/middleware';
import { seesPhoneNumbers } from './auth/policy';
import { inStore } from './auth/principal';
import { HttpError } from './httpError';

const storeIdSchema = z.string().trim().min(1).max(64);

/** The report's language: `?lang=`, else what the caller's Accept-Language prefers (English by default, like the API). */
export function reportLang(req: Request): ReasonLang {
  if (req.query.lang === 'zh' || req.query.lang === 'en') return req.query.lang;
  return req.acceptsLanguages('en', 'zh') === 'zh' ? 'zh' : 'en';
}

export function sendCsv(res: Response, fileName: string, body: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
  res.send(body);
}

/** The job's progress with its rows: the dry run's report, then the run's. */
export async function reportOf(commands: CommandDeps, progress: ImportProgress) {
  return { ...progress, rows: await reportRows(commands.db, progress.id) };
}

export function importRoutes({ commands }: { commands: CommandDeps }): express.Router {
  const { db, clock } = commands;
  const router = express.Router();
  const raw = express.raw({ type: UPLOAD_TYPES, limit: MAX_FILE_BYTES });

  /** The store of the address: 400 without an id, 404 for one that does not exist or is not the person's. */
  async function storeOf(req: Request): Promise<string> {
    const parsed = storeIdSchema.safeParse(req.params.storeId);
    if (!parsed.success) throw new HttpError(400, 'storeId: a store id is required');
    if (!inStore(principalOf(req), parsed.data) || !(await commands.storeExists(parsed.data))) throw new HttpError(404, `no store ${parsed.data}`);
    return parsed.data;
  }

  const subjectOf = async (req: Request) => ({ storeId: await storeOf(req), jobId: String(req.params.id) });

  async function jobOf(req: Request) {
    const { storeId, jobId } = await subjectOf(req);
    const job = z.uuid().safeParse(jobId).success ? await db.importJob.findFirst({ where: { id: jobId, storeId }, omit: { content: true } }) : null;
    if (!job) throw new HttpError(404, `no import ${jobId}`);
    return job;
  }

  const answerReport = async (req: Request, res: Response, progress: ImportProgress) => {
    if (req.query.format === 'csv') return sendCsv(res, `import-${progress.id}.csv`, reportCsv(await reportRows(db, progress.id), reportLang(req)));
    res.json(await reportOf(commands, progress));
  };

  router.post('/api/stores/:storeId/imports', authorize('store.import'), raw, async (req, res) => {
    const storeId = await storeOf(req);
    if (!Buffer.isBuffer(req.body)) throw new HttpError(415, `send the file itself as the body: ${UPLOAD_TYPES.join(', ')}`);
    const kind = String(req.query.kind ?? 'VEHICLES').toUpperCase();
    const fileName = typeof req.query.fileName === 'string' ? req.query.fileName : 'upload';
    res.status(201).json(await runCommand(commands, principalOf(req), uploadImportCommand, { storeId }, { kind, fileName, content: req.body }));
  });

  router.get('/api/stores/:storeId/imports', authorize('store.import'), async (req, res) => {
    const storeId = await storeOf(req);
    const jobs = await db.importJob.findMany({ where: { storeId }, orderBy: { createdAt: 'desc' }, take: 50, omit: { content: true } });
    res.json({ storeId, imports: await Promise.all(jobs.map((j) => progressOf(db, j, clock.now()))) });
  });

  router.get('/api/stores/:storeId/imports/:id', authorize('store.import'), async (req, res) => {
    res.json(await progressOf(db, await jobOf(req), clock.now()));
  });

  router.get('/api/stores/:storeId/imports/:id/report', authorize('store.import'), async (req, res) => {
    await answerReport(req, res, await progressOf(db, await jobOf(req), clock.now()));
  });

  router.post('/api/stores/:storeId/imports/:id/dry-run', authorize('store.import'), async (req, res) => {
    await answerReport(req, res, await runCommand(commands, principalOf(req), dryRunImportCommand, await subjectOf(req), req.body));
  });

  router.post('/api/stores/:storeId/imports/:id/run', authorize('store.import'), async (req, res) => {
    const { proceed, ...progress } = await runCommand(commands, principalOf(req), runImportCommand, await subjectOf(req), req.body);
    // The run goes on after the answer; it records its own failure on the job (`lastError`), resumable.
    proceed().catch((err) => console.error(`import ${progress.id} stopped:`, err));
    res.status(202).json(progress);
  });

  for (const name of EXPORTS) {
    router.get(`/api/stores/:storeId/export/${name}.csv`, authorize('store.export'), async (req, res) => {
      const storeId = await storeOf(req);
      sendCsv(res, `${storeId}-${name}.csv`, await exportCsv(db, storeId, name, seesPhoneNumbers(principalOf(req).role)));
    });
  }
  return router;
}
