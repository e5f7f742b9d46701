// Where the time goes while a phase runs, so a missed target comes with its reason: CPU of this
// process (API, worker, PGlite), of the Temporal dev server and of anything else on the machine;
// how busy this process's main thread is; how much of the time the single PGlite session is
// executing; how long activities wait to get the one database connection, and how long they keep it.
// Linux /proc only; elsewhere the CPU split is left out and the rest still works.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { EventLoopUtilization, performance } from 'node:perf_hooks';
import type { Db } from '../activities/database';

// ---------------------------------------------------------------------------------------------
// Time inside PGlite, as its thread reports it (runtime/embeddedDatabase, reportBusyEveryMs).

let pgliteBusyMs: () => number = () => 0;
let pgliteThread: () => string | undefined = () => undefined;

export function measurePgliteBusyTime(source: () => number, osThreadId: () => string | undefined): void {
  pgliteBusyMs = source;
  pgliteThread = osThreadId;
}

// ---------------------------------------------------------------------------------------------
// Waits for the database connection. With a pool of one, an activity's interactive transaction
// first waits for every query ahead of it; Prisma gives up after maxWait (2 s by default), the
// activity fails and Temporal retries it a second later.

interface TransactionStats {
  waitsMs: number[];
  /** From the body's start to its end: the time the one connection is held (round trips and the main thread's turns between them). */
  holdsMs: number[];
  failedToStart: number;
}

const transactions: TransactionStats = { waitsMs: [], holdsMs: [], failedToStart: 0 };

type TransactionFn = (arg: unknown, options?: unknown) => Promise<unknown>;

/** The same client, with `$transaction(fn)` timed from the call until `fn` runs, and `fn` itself. */
export function timeTransactions(db: Db): Db {
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (prop !== '$transaction') return typeof value === 'function' ? (value as TransactionFn).bind(target) : value;
      const original = (value as TransactionFn).bind(target);
      return (arg: unknown, options?: unknown) => {
        if (typeof arg !== 'function') return original(arg, options);
        const t0 = performance.now();
        let started = false;
        const body = async (tx: unknown) => {
          started = true;
          const t1 = performance.now();
          transactions.waitsMs.push(t1 - t0);
          try {
            return await (arg as (tx: unknown) => Promise<unknown>)(tx);
          } finally {
            transactions.holdsMs.push(performance.now() - t1);
          }
        };
        return original(body, options).catch((err: unknown) => {
          if (!started) transactions.failedToStart++;
          throw err;
        });
      };
    },
  });
}

// ---------------------------------------------------------------------------------------------
// CPU accounting from /proc

function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

const TICKS = clockTicksPerSecond();

/** utime + stime of a process, all threads, in ticks. */
function processTicks(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/**
 * Non-idle ticks of the whole machine, all CPUs, and of those the ticks the hypervisor gave to other
 * virtual machines while ours wanted to run (steal): noise no process here can cause.
 */
function machineTicks(): { busy: number; steal: number } | undefined {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { busy: user + nice + system + irq + softirq + steal, steal };
  } catch {
    return undefined;
  }
}

/**
 * CPU ticks of each thread of this process, by Linux thread id, with its name. Node's worker threads
 * (the SDK's workflow thread among them) are all named "node"; the main thread is the one whose id is
 * the process id, and the PGlite thread reports its own id.
 */
function threadTicks(): Map<string, { name: string; ticks: number }> {
  const threads = new Map<string, { name: string; ticks: number }>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(tid, { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ticks: Number(fields[11]) + Number(fields[12]) });
    }
  } catch {
    // not Linux
  }
  return threads;
}

/** The `temporal` process this process spawned: the dev server. */
export function findDevServerPid(): string | undefined {
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === 'temporal' && ppid === process.pid) return pid;
    }
  } catch {
    // not Linux
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------

interface Snapshot {
  atMs: number;
  selfTicks?: number;
  devTicks?: number;
  machineTicks?: number;
  stealTicks?: number;
  elu: EventLoopUtilization;
  pgliteMs: number;
  transactions: number;
  holds: number;
  failedToStart: number;
  threads: Map<string, { name: string; ticks: number }>;
}

export interface PhaseLoad {
  seconds: number;
  /** Percent of one core; 200 is both cores of a 2-core machine. `stolenByHost` is the part of `otherProcesses` the hypervisor took. */
  cpuPct?: { node: number; devServer: number; otherProcesses: number; stolenByHost: number };
  /** CPU milliseconds per operation of the phase (a registration, an Update); mainThread is this process's event loop alone. */
  cpuMsPerOp?: { node: number; devServer: number; mainThread: number };
  /**
   * This process's busiest threads in the phase, CPU milliseconds per operation: "main", "pglite", and
   * the others by id and name; the busiest unnamed "node" thread is in practice the SDK's workflow thread.
   */
  threadsCpuMsPerOp?: { thread: string; ms: number }[];
  mainThreadBusyPct: number;
  pgliteBusyPct: number;
  dbTransactions: { count: number; waitMsP50?: number; waitMsP99?: number; waitMsMax?: number; holdMsP50?: number; holdMsP99?: number; failedToStart: number };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

function percentile(sorted: number[], p: number): number | undefined {
  return sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] : undefined;
}

/**
 * Upper bounds on operations per second from the CPU each one cost: all cores shared by this process
 * and the dev server, and this process's single main thread. Contention from other processes barely
 * changes CPU time per operation, so these hold up better on a shared machine than rates do.
 */
export function capacityBounds(load: PhaseLoad, cores: number): { byAllCores: number; byMainThread: number } | undefined {
  const cost = load.cpuMsPerOp;
  if (!cost) return undefined;
  return { byAllCores: round1((cores * 1000) / (cost.node + cost.devServer)), byMainThread: round1(1000 / cost.mainThread) };
}

function busiestThreads(a: Snapshot['threads'], b: Snapshot['threads'], ops: number): { thread: string; ms: number }[] {
  const label = (tid: string, name: string) => (tid === String(process.pid) ? 'main' : tid === pgliteThread() ? 'pglite' : `${tid} ${name}`);
  return [...b]
    .map(([tid, t]) => ({ thread: label(tid, t.name), ms: round1((((t.ticks - (a.get(tid)?.ticks ?? 0)) / TICKS) * 1000) / ops) }))
    .filter((t) => t.ms > 0)
    .sort((x, y) => y.ms - x.ms)
    .slice(0, 8);
}

export class Probe {
  constructor(private readonly devServerPid = findDevServerPid()) {}

  snapshot(): Snapshot {
    const machine = machineTicks();
    return {
      atMs: performance.now(),
      selfTicks: processTicks('self'),
      devTicks: this.devServerPid ? processTicks(this.devServerPid) : undefined,
      machineTicks: machine?.busy,
      stealTicks: machine?.steal,
      elu: performance.eventLoopUtilization(),
      pgliteMs: pgliteBusyMs(),
      transactions: transactions.waitsMs.length,
      holds: transactions.holdsMs.length,
      failedToStart: transactions.failedToStart,
      threads: threadTicks(),
    };
  }

  /** What happened between two snapshots; `ops` turns CPU time into a cost per operation. */
  between(a: Snapshot, b: Snapshot, ops?: number): PhaseLoad {
    const seconds = (b.atMs - a.atMs) / 1000;
    const waits = transactions.waitsMs.slice(a.transactions, b.transactions).sort((x, y) => x - y);
    const holds = transactions.holdsMs.slice(a.holds, b.holds).sort((x, y) => x - y);
    const load: PhaseLoad = {
      seconds: round1(seconds),
      mainThreadBusyPct: Math.round(performance.eventLoopUtilization(b.elu, a.elu).utilization * 100),
      pgliteBusyPct: Math.round(((b.pgliteMs - a.pgliteMs) / (b.atMs - a.atMs)) * 100),
      dbTransactions: {
        count: waits.length,
        waitMsP50: round1(percentile(waits, 50) ?? 0),
        waitMsP99: round1(percentile(waits, 99) ?? 0),
        waitMsMax: round1(waits[waits.length - 1] ?? 0),
        holdMsP50: round1(percentile(holds, 50) ?? 0),
        holdMsP99: round1(percentile(holds, 99) ?? 0),
        failedToStart: b.failedToStart - a.failedToStart,
      },
    };
    const cpu = cpuDelta(a, b);
    if (cpu) {
      const pct = (ticks: number) => Math.round((ticks / TICKS / seconds) * 100);
      load.cpuPct = { node: pct(cpu.self), devServer: pct(cpu.dev), otherProcesses: Math.max(0, pct(cpu.machine - cpu.self - cpu.dev)), stolenByHost: pct(cpu.steal) };
      if (ops) {
        load.cpuMsPerOp = {
          node: round1(((cpu.self / TICKS) * 1000) / ops),
          devServer: round1(((cpu.dev / TICKS) * 1000) / ops),
          mainThread: round1(((load.mainThreadBusyPct / 100) * seconds * 1000) / ops),
        };
        load.threadsCpuMsPerOp = busiestThreads(a.threads, b.threads, ops);
      }
    }
    return load;
  }

  /**
   * On a shared machine other people's builds and tests steal the same cores. Waits (at most
   * maxWaitMs) until the rest of the machine has used under `thresholdPct` of one core for a
   * couple of seconds; returns false if it never did, so the phase can be flagged.
   */
  async waitForQuietMachine(maxWaitMs: number, thresholdPct = 15): Promise<boolean> {
    const deadline = performance.now() + maxWaitMs;
    for (;;) {
      const a = this.snapshot();
      await new Promise((r) => setTimeout(r, 2000));
      const other = this.between(a, this.snapshot()).cpuPct?.otherProcesses;
      if (other === undefined || other < thresholdPct) return true;
      if (performance.now() > deadline) return false;
    }
  }
}

function cpuDelta(a: Snapshot, b: Snapshot): { self: number; dev: number; machine: number; steal: number } | undefined {
  if (a.selfTicks === undefined || b.selfTicks === undefined || a.machineTicks === undefined || b.machineTicks === undefined) return undefined;
  return {
    self: b.selfTicks - a.selfTicks,
    dev: a.devTicks !== undefined && b.devTicks !== undefined ? b.devTicks - a.devTicks : 0,
    machine: b.machineTicks - a.machineTicks,
    steal: (b.stealTicks ?? 0) - (a.stealTicks ?? 0),
  };
}
