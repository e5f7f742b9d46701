// Import from a DMS export (issue 16), as commands: upload a file, check it with a column mapping (the
// dry run: per row and column what would be created, updated or refused and why; the mapping may be
// kept as a preset), and run it. The run's rows go through the registration command's own logic
// (../import/runner.ts); this module is who may, which store, and the job's bookkeeping.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { HttpError } from '../api/httpError';
import type { ImportJob, Prisma } from '../generated/prisma/client';
import { IMPORT_FIELDS, IMPORT_KINDS, ImportKind, guessMapping, Mapping } from '../import/fields';
import { contactsTaken, ImportProgress, progressOf, savePlan } from '../import/jobs';
import { spreadOverdue } from '../import/overdueCap';
import { planImport } from '../import/plan';
import { missingFields } from '../import/rows';
import { claimJob, runRows } from '../import/runner';
import { MAX_FILE_BYTES, readTable } from '../import/table';
import { CommandContext, defineCommand, StoreSubject } from './command';
import { text } from './input';
import { recordStoreEvent } from './storeAudit';

/** How many cars already overdue get their first reminder and call per day, unless the store says. */
export const DEFAULT_OVERDUE_PER_DAY = 50;

export type ImportSubject = StoreSubject & { jobId: string };

export const uploadSchema = z.strictObject({
  kind: z.enum(IMPORT_KINDS),
  fileName: text({ max: 200 }),
  content: z.instanceof(Buffer).refine((b) => b.length <= MAX_FILE_BYTES, `must be at most ${MAX_FILE_BYTES / 1024 / 1024} MB`),
});

const presetName = text({ max: 64 });

export const dryRunSchema = z.strictObject({
  /** Field → column of the file; without it the preset's, else the job's (first guessed from the header row). */
  mapping: z.record(z.string(), text({ max: 200 })).optional(),
  preset: presetName.optional(),
  /** Keep the mapping used as the store's preset of this name. */
  savePreset: presetName.optional(),
  overduePerDay: z.number().int().min(1).max(10_000).optional(),
});

export const runSchema = z.strictObject({});

async function jobOf(ctx: CommandContext, { storeId, jobId }: ImportSubject) {
  const job = z.uuid().safeParse(jobId).success ? await ctx.db.importJob.findFirst({ where: { id: jobId, storeId } }) : null;
  if (!job) throw new HttpError(404, `no import ${jobId}`);
  return job;
}

/** 400 naming each field the mapping does not know and each column the file does not have; 422 when it lacks a column every row needs. */
function checkedMapping(kind: ImportKind, mapping: Mapping, headers: string[]): Mapping {
  const fields = IMPORT_FIELDS[kind].map((f) => f.name);
  const issues = Object.entries(mapping).flatMap(([field, column]) => [
    ...(fields.includes(field) ? [] : [{ path: `mapping.${field}`, message: 'no such field', zh: '没有这个字段' }]),
    ...(headers.includes(column) ? [] : [{ path: `mapping.${field}`, message: `the file has no column "${column}"`, zh: `文件中没有“${column}”列` }]),
  ]);
  if (issues.length) throw new HttpError(400, issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
  const missing = missingFields(kind, mapping);
  if (missing.length) throw new HttpError(422, `the file has no column for: ${missing.join(', ')}`, [{ path: 'mapping', message: `the file has no column for: ${missing.join(', ')}`, zh: `文件缺少这些列：${missing.join('、')}`, missing }]);
  return mapping;
}

export interface Uploaded extends ImportProgress {
  headers: string[];
}

export const uploadImportCommand = defineCommand<typeof uploadSchema, Uploaded, StoreSubject>({
  name: 'import.upload',
  action: 'store.import',
  schema: uploadSchema,
  async run(ctx, { storeId }, { kind, fileName, content }) {
    if (!(await ctx.storeExists(storeId))) throw new HttpError(404, `no store ${storeId}`);
    const table = await readTable(content);
    const job = await ctx.db.$transaction(async (tx) => {
      const created = await tx.importJob.create({
        data: {
          storeId,
          kind,
          fileName,
          format: table.format,
          encoding: table.encoding,
          content: new Uint8Array(content),
          sha256: createHash('sha256').update(content).digest('hex'),
          rowCount: table.rows.length,
          mapping: guessMapping(kind, table.headers),
          overduePerDay: DEFAULT_OVERDUE_PER_DAY,
          createdBy: ctx.principal.id,
          createdAt: ctx.at,
        },
      });
      await recordStoreEvent(tx, { storeId, action: 'import.uploaded', actor: ctx.principal.id, at: ctx.at, data: { jobId: created.id, kind, fileName, rows: table.rows.length, sha256: created.sha256 } });
      return created;
    });
    return { ...(await progressOf(ctx.db, job, ctx.at)), headers: table.headers };
  },
});

/** The plan of a job with its mapping, overdue cars spread over days after what earlier imports put there. */
async function plannedRows(ctx: CommandContext, job: { id: string; storeId: string; kind: string; content: Uint8Array }, mapping: Mapping, overduePerDay: number) {
  const table = await readTable(Buffer.from(job.content));
  const kind = job.kind as ImportKind;
  const plan = await planImport(ctx, { storeId: job.storeId, kind, mapping: checkedMapping(kind, mapping, table.headers) }, table);
  spreadOverdue(plan.rows, overduePerDay, plan.today, await contactsTaken(ctx.db, job.storeId, job.id, plan.today));
  return plan.rows;
}

export const dryRunImportCommand = defineCommand<typeof dryRunSchema, ImportProgress, ImportSubject>({
  name: 'import.dry-run',
  action: 'store.import',
  schema: dryRunSchema,
  async run(ctx, subject, input) {
    const job = await jobOf(ctx, subject);
    if (job.status === 'RUNNING' || job.status === 'DONE') throw new HttpError(409, `this import has ${job.status === 'DONE' ? 'been run' : 'started'}; upload the file again to check it anew`);
    const preset = input.preset === undefined ? undefined : await ctx.db.importPreset.findUnique({ where: { storeId_kind_name: { storeId: job.storeId, kind: job.kind, name: input.preset } } });
    if (input.preset !== undefined && !preset) throw new HttpError(422, `no mapping preset "${input.preset}"`, [{ path: 'preset', message: `no mapping preset "${input.preset}"`, zh: `没有名为“${input.preset}”的映射方案` }]);
    const mapping = input.mapping ?? (preset?.mapping as Mapping | undefined) ?? (job.mapping as Mapping);
    const overduePerDay = input.overduePerDay ?? job.overduePerDay;
    const rows = await plannedRows(ctx, job, mapping, overduePerDay);
    const planned = await ctx.db.$transaction(async (tx) => {
      await savePlan(tx, job.id, rows);
      if (input.savePreset !== undefined) {
        const key = { storeId: job.storeId, kind: job.kind, name: input.savePreset };
        const fields = { mapping: mapping as Prisma.InputJsonObject, updatedBy: ctx.principal.id, updatedAt: ctx.at };
        await tx.importPreset.upsert({ where: { storeId_kind_name: key }, create: { ...key, ...fields }, update: fields });
        await recordStoreEvent(tx, { storeId: job.storeId, action: 'import.preset-saved', actor: ctx.principal.id, at: ctx.at, data: { ...key, mapping } });
      }
      return tx.importJob.update({ where: { id: job.id }, data: { mapping: mapping as Prisma.InputJsonObject, overduePerDay, status: 'PLANNED' } });
    });
    return progressOf(ctx.db, planned, ctx.at);
  },
});

export interface RunStarted extends ImportProgress {
  /** The run from the first row not done to the end; the caller lets it go on while it answers. */
  proceed: () => Promise<void>;
}

/**
 * Runs an import, or resumes one that stopped: a job not yet running is planned again first (the store may
 * have changed since the dry run), with its mapping and daily cap. 409 while another run holds it, or once done.
 */
export const runImportCommand = defineCommand<typeof runSchema, RunStarted, ImportSubject>({
  name: 'import.run',
  action: 'store.import',
  schema: runSchema,
  async run(ctx, subject) {
    const found = await jobOf(ctx, subject);
    const lease = await claimJob(ctx, found.id, ctx.at);
    if (!lease) throw new HttpError(409, found.status === 'DONE' ? 'this import has been run; the same file again would change nothing' : 'this import is running; follow its progress');
    let job: ImportJob = { ...found, leaseUntil: lease, lastError: null };
    if (found.status !== 'RUNNING') {
      try {
        const rows = await plannedRows(ctx, found, found.mapping as Mapping, found.overduePerDay);
        job = await ctx.db.$transaction(async (tx) => {
          await savePlan(tx, found.id, rows);
          const counts = Object.fromEntries(['CREATE', 'UPDATE', 'UNCHANGED', 'REFUSED'].map((a) => [a, rows.filter((r) => r.action === a).length]));
          await recordStoreEvent(tx, { storeId: found.storeId, action: 'import.started', actor: ctx.principal.id, at: ctx.at, data: { jobId: found.id, kind: found.kind, fileName: found.fileName, counts } });
          return tx.importJob.update({ where: { id: found.id }, data: { status: 'RUNNING', startedBy: ctx.principal.id, startedAt: ctx.at } });
        });
      } catch (err) {
        await ctx.db.importJob.update({ where: { id: found.id }, data: { leaseUntil: null } });
        throw err;
      }
    }
    return { ...(await progressOf(ctx.db, job, ctx.at)), proceed: () => runRows(ctx, ctx.principal, job.id, lease) };
  },
});
