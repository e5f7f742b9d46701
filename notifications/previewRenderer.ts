// Renders what a person typed (a preview, an override before it is stored) with a time budget, off the
// API's event loop. Handlebars has no notion of cost: `{{#each}}` nested over a list repeats the inner
// block list-length-to-the-depth times, so a few lines of template keep a thread busy for seconds. The
// render runs on a small pool of long-lived worker threads (previewWorker.js); a render over its budget
// has its thread terminated (V8 stops it mid-loop) and replaced, and is answered as too slow. The event
// loop only posts messages and keeps a timer, so the API answers everyone else meanwhile.
//
// Long-lived threads, not one per render: starting a thread and loading Handlebars takes ~75 ms, the
// render of a real template well under a millisecond.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { RenderedMessage, RenderSettings, TemplateError } from './templates';

/** The render ran over its budget; its thread was terminated. */
export class RenderOverBudget extends Error {
  constructor(readonly budgetMs: number) {
    super(`the template takes too long to render (more than ${budgetMs} ms)`);
  }
}

/** Every thread is busy and the waiting line is full. */
export class RendererBusy extends Error {
  constructor() {
    super('template previews are busy, try again in a moment');
  }
}

export interface PreviewRendererOptions {
  /** Wall-clock milliseconds one render may take on its thread. */
  budgetMs?: number;
  /** Threads rendering at once. */
  threads?: number;
  /** Renders that may wait for a thread; more are refused (RendererBusy). */
  maxWaiting?: number;
  /** Subject and body together, in characters. */
  maxOutputChars?: number;
  /** Heap of one thread: a template that builds a huge text runs out of it instead of the process. */
  memoryMb?: number;
}

export interface PreviewRenderer {
  render(source: { subject: string; body: string }, variables: Record<string, unknown>, settings: RenderSettings): Promise<RenderedMessage>;
  /** Threads, threads rendering now, threads replaced after a render over budget (or a crash), renders waiting. */
  stats(): { threads: number; busy: number; replaced: number; waiting: number };
  close(): Promise<void>;
}

export const DEFAULT_RENDER_BUDGET_MS = 250;

interface Job {
  id: number;
  message: { id: number; source: { subject: string; body: string }; variables: Record<string, unknown>; settings: RenderSettings };
  resolve(out: RenderedMessage): void;
  reject(err: Error): void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
}

type Reply = { ready: true } | { id: number; ok: true; subject: string; body: string } | { id: number; ok: false; message: string };

const WORKER_FILE = path.join(__dirname, 'previewWorker.js');

export function createPreviewRenderer(options: PreviewRendererOptions = {}): PreviewRenderer {
  const budgetMs = options.budgetMs ?? DEFAULT_RENDER_BUDGET_MS;
  const threads = Math.max(1, options.threads ?? 2);
  const maxWaiting = options.maxWaiting ?? 32;
  const maxOutputChars = options.maxOutputChars ?? 100_000;
  const memoryMb = options.memoryMb ?? 64;
  const slots: Slot[] = [];
  const waiting: Job[] = [];
  let nextId = 1;
  let replaced = 0;
  let closed = false;

  const live = (slot: Slot) => slots.includes(slot);

  /** Set while threads die before they are ready (a broken install): then none starts without a render waiting. */
  let failing = false;

  /** Takes the slot out of the pool and stops its thread; the caller settles the slot's job and calls pump(). */
  const retire = (slot: Slot) => {
    const at = slots.indexOf(slot);
    if (at >= 0) slots.splice(at, 1);
    if (slot.job?.timer) clearTimeout(slot.job.timer);
    slot.job = undefined;
    void slot.worker.terminate();
    replaced += 1;
  };

  const spawn = () => {
    const worker = new Worker(WORKER_FILE, {
      workerData: { maxOutputChars },
      // Plain JavaScript: without the parent's flags (`--import tsx`) a thread starts in ~75 ms, not ~300.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
      stdout: false,
      stderr: false,
    });
    // The pool never keeps the process alive by itself; a waiting render's timer does.
    worker.unref();
    const slot: Slot = { worker, ready: false };
    slots.push(slot);
    worker.on('message', (reply: Reply) => {
      if (!live(slot)) return;
      if ('ready' in reply) {
        slot.ready = true;
        failing = false;
      } else {
        const job = slot.job;
        if (!job || job.id !== reply.id) return;
        clearTimeout(job.timer);
        slot.job = undefined;
        if (reply.ok) job.resolve({ subject: reply.subject, body: reply.body });
        else job.reject(new TemplateError(reply.message));
      }
      pump();
    });
    const lost = (err: Error) => {
      if (!live(slot)) return;
      const job = slot.job;
      retire(slot);
      const outOfMemory = (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
      const reason = outOfMemory ? new TemplateError('the template needs too much memory to render') : new Error(`the template renderer stopped: ${err.message}`);
      if (job) job.reject(reason);
      // A thread that cannot even start takes one waiting render with it instead of being restarted forever.
      else if (!slot.ready) {
        failing = true;
        waiting.shift()?.reject(reason);
      }
      pump();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`exited with code ${code}`)));
  };

  const start = (slot: Slot, job: Job) => {
    slot.job = job;
    job.timer = setTimeout(() => {
      if (slot.job !== job) return;
      retire(slot);
      job.reject(new RenderOverBudget(budgetMs));
      pump();
    }, budgetMs);
    slot.worker.postMessage(job.message);
  };

  /**
   * Hands waiting renders to idle threads and keeps the pool full once it is in use, so a thread
   * terminated over budget is replaced before the next render needs it.
   */
  function pump() {
    if (closed) return;
    for (const slot of slots) {
      if (!waiting.length) break;
      if (slot.ready && !slot.job) start(slot, waiting.shift()!);
    }
    const starting = slots.filter((s) => !s.ready).length;
    const wanted = failing ? Math.min(threads, slots.length + waiting.length - starting) : threads;
    while (slots.length < wanted) spawn();
  }

  return {
    render(source, variables, settings) {
      if (closed) return Promise.reject(new Error('the template renderer is closed'));
      if (waiting.length >= maxWaiting) return Promise.reject(new RendererBusy());
      return new Promise<RenderedMessage>((resolve, reject) => {
        const id = nextId++;
        waiting.push({ id, message: { id, source: { subject: source.subject, body: source.body }, variables, settings }, resolve, reject });
        pump();
      });
    },
    stats: () => ({ threads: slots.length, busy: slots.filter((s) => s.job).length, replaced, waiting: waiting.length }),
    async close() {
      closed = true;
      const stopping = slots.splice(0).map((slot) => {
        if (slot.job) {
          clearTimeout(slot.job.timer);
          slot.job.reject(new Error('the template renderer is closed'));
        }
        return slot.worker.terminate();
      });
      for (const job of waiting.splice(0)) job.reject(new Error('the template renderer is closed'));
      await Promise.all(stopping);
    },
  };
}

let shared: PreviewRenderer | undefined;

/** The process's renderer for previews and overrides; its threads start with the first render. */
export function previewRenderer(): PreviewRenderer {
  shared ??= createPreviewRenderer();
  return shared;
}
