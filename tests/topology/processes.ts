// Child processes of the topology: each with its output in a log file (shown when it fails), killed by
// pid only, and waited for by polling what it serves rather than by fixed sleeps.
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';

export interface RunOptions {
  env: Record<string, string>;
  cwd: string;
  logDir: string;
}

export interface Proc {
  name: string;
  pid: number;
  logFile: string;
  /** Resolves with the exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  running(): boolean;
  /** The process's log, for the message of a failed wait. */
  tail(chars?: number): Promise<string>;
  /** Sends `signal` and waits for the exit; SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

let started = 0;

export function startProcess(name: string, argv: string[], o: RunOptions): Proc {
  const logFile = path.join(o.logDir, `${String(++started).padStart(2, '0')}-${name}.log`);
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(argv[0], argv.slice(1), { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (err) => {
      log.write(`\n[spawn failed] ${err.message}\n`);
      exitCode = -1;
      resolve(-1);
    });
    child.once('close', (code) => {
      exitCode = code;
      log.end(() => resolve(code));
    });
  });
  const tail = async (chars = 3000) => (await readFile(logFile, 'utf8').catch(() => '')).slice(-chars);
  return {
    name,
    pid: child.pid ?? -1,
    logFile,
    exited,
    running: () => exitCode === undefined,
    tail,
    async stop(signal = 'SIGTERM', graceMs = 30_000) {
      if (exitCode !== undefined) return exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A one-shot job, as compose runs `restart: "no"` services: it must exit 0. */
export async function runJob(name: string, argv: string[], o: RunOptions): Promise<string> {
  const job = startProcess(name, argv, o);
  const code = await job.exited;
  const output = await readFile(job.logFile, 'utf8');
  if (code !== 0) throw new Error(`${name} exited with ${code}:\n${output.slice(-4000)}`);
  return output;
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, watch: Proc[] = []): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    const dead = watch.find((proc) => !proc.running());
    if (dead) throw new Error(`${dead.name} exited while waiting for ${what}:\n${await dead.tail()}`);
    if (Date.now() > deadline) {
      const logs = await Promise.all(watch.map(async (proc) => `--- ${proc.name}\n${await proc.tail(1500)}`));
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${logs.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Like compose's `nc -z` health check: something accepts connections on the port. */
export function portOpen(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(undefined));
  });
}
