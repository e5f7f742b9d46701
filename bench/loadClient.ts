// The benchmark's HTTP clients, run in a child process: a front desk's browser or autocannon is not
// on the server's machine thread, and in-process they would spend the very main thread being measured.
// The parent (registerAndUpdate.ts) sends one job as JSON on stdin and reads the result from stdout.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { RegisterBody, REGISTERED_BY, registerViaApi } from './fleet';
import { percentile, PoolRun, round1, runPool } from './pool';
import { benchAuthorization } from './signIn';

const CALL_ACTOR = 'cr-zhao';

export type LoadJob =
  | { kind: 'register'; apiUrl: string; bodies: RegisterBody[]; concurrency: number }
  | { kind: 'baseline'; apiUrl: string; calls: CallOutcome[]; pauseMs: number }
  | { kind: 'autocannon'; apiUrl: string; calls: CallOutcome[]; rate: number; connections: number }
  | { kind: 'paced'; apiUrl: string; calls: CallOutcome[]; rate: number };

/** One request of the Update load: the vehicle, and the time its customer books. */
export interface CallOutcome {
  vin: string;
  bookedFor: string;
}

export interface BaselineResult {
  requests: number;
  pauseMs: number;
  latencyMs: { p50: number; max: number };
}

export interface AutocannonResult {
  used: number;
  requests: number;
  duration: number;
  statusCodeStats: unknown;
  non2xx: number;
  errors: number;
  timeouts: number;
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  stepNotTaken: number;
  rejectedSamples: string[];
  stagesAfter: Record<string, number>;
}

/** One request of the load: which vehicle, when it was sent (epoch ms, the server's clock too) and how long it took. */
export interface RequestSample {
  vin: string;
  sentAt: number;
  ms: number;
}

export interface PacedResult {
  requests: number;
  perSecond: number;
  non200: number;
  errors: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** When the first request was due (epoch ms). */
  startedAt: number;
  /** The slowest 1 % (at least four), slowest first, for the parent to look up in their histories. */
  slowest: RequestSample[];
}

/** Runs one job in a fresh child process (the parent's tsx loader comes along in execArgv). */
export function inLoadClient(job: Extract<LoadJob, { kind: 'register' }>): Promise<PoolRun>;
export function inLoadClient(job: Extract<LoadJob, { kind: 'baseline' }>): Promise<BaselineResult>;
export function inLoadClient(job: Extract<LoadJob, { kind: 'autocannon' }>): Promise<AutocannonResult>;
export function inLoadClient(job: Extract<LoadJob, { kind: 'paced' }>): Promise<PacedResult>;
export function inLoadClient(job: LoadJob): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, __filename], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load client (${job.kind}) exited with ${code}`));
      try {
        resolve(JSON.parse(out));
      } catch (err) {
        reject(new Error(`load client (${job.kind}) printed no result: ${(err as Error).message}`));
      }
    });
    child.stdin.end(JSON.stringify(job));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function callOutcome(apiUrl: string, { vin, bookedFor }: CallOutcome): Promise<Response> {
  return fetch(`${apiUrl}/api/vehicles/${vin}/call-outcome`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: await benchAuthorization(apiUrl, CALL_ACTOR) },
    body: JSON.stringify({ outcome: 'BOOKED', bookedFor }),
  });
}

/**
 * The same step one request at a time with pauses between, on an otherwise idle stack: the time
 * the work itself takes, against which the loaded latency shows how much is queueing.
 */
async function unloadedBaseline(apiUrl: string, calls: CallOutcome[], pauseMs: number): Promise<BaselineResult> {
  await benchAuthorization(apiUrl, CALL_ACTOR);
  const latencies: number[] = [];
  for (const call of calls) {
    const t0 = performance.now();
    const res = await callOutcome(apiUrl, call);
    const text = await res.text();
    if (res.status !== 200) throw new Error(`baseline call-outcome for ${call.vin}: ${res.status} ${text.slice(0, 300)}`);
    latencies.push(performance.now() - t0);
    await sleep(pauseMs);
  }
  return { requests: calls.length, pauseMs, latencyMs: { p50: round1(percentile(latencies, 50)), max: round1(Math.max(...latencies)) } };
}

/**
 * Cross-check for autocannon's pacing (BENCH_PACED=1): autocannon sends each second's requests in a
 * burst at the start of the second; here request i leaves at exactly i/rate seconds whatever the
 * responses do (open loop), which is what a steady rate means.
 */
async function pacedLatency(apiUrl: string, calls: CallOutcome[], rate: number): Promise<PacedResult> {
  // Signed in before the clock starts: a sign-in is one password hash, not part of any step.
  await benchAuthorization(apiUrl, CALL_ACTOR);
  const samples: RequestSample[] = [];
  let notOk = 0;
  let errors = 0;
  const startedAt = Date.now();
  const t0 = performance.now();
  const inFlight = calls.map(async (call, i) => {
    await sleep(t0 + (i * 1000) / rate - performance.now());
    const sentAt = Date.now();
    const sent = performance.now();
    try {
      const res = await callOutcome(apiUrl, call);
      await res.text();
      samples.push({ vin: call.vin, sentAt, ms: performance.now() - sent });
      if (res.status !== 200) notOk++;
    } catch {
      errors++;
    }
  });
  await Promise.all(inFlight);
  const latencies = samples.map((s) => s.ms);
  const l = (p: number) => round1(percentile(latencies, p));
  const slowest = samples.sort((a, b) => b.ms - a.ms).slice(0, Math.max(4, Math.ceil(samples.length / 100)));
  return { requests: calls.length, perSecond: rate, non200: notOk, errors, latencyMs: { p50: l(50), p90: l(90), p99: l(99), max: round1(Math.max(...latencies)) }, startedAt, slowest };
}

/** Checks each response: a 200 must also mean the step took, i.e. the lifecycle left AWAITING_CALL_OUTCOME. */
function responseChecker() {
  const stagesAfter: Record<string, number> = {};
  const rejected = { count: 0, samples: [] as string[] };
  const onResponse = (status: number, body: string) => {
    const stage = status === 200 ? (JSON.parse(body) as { stage?: string }).stage : undefined;
    if (stage) stagesAfter[stage] = (stagesAfter[stage] ?? 0) + 1;
    if (stage && stage !== 'AWAITING_CALL_OUTCOME') return;
    rejected.count++;
    if (rejected.samples.length < 5) rejected.samples.push(`${status} ${body.slice(0, 300)}`);
  };
  return { onResponse, stagesAfter, rejected };
}

/** autocannon at the set rate, one prepared vehicle per request, every response checked. */
async function autocannonLoad(job: Extract<LoadJob, { kind: 'autocannon' }>): Promise<AutocannonResult> {
  let used = 0;
  const nextCall = () => {
    if (used >= job.calls.length) throw new Error('autocannon asked for more requests than vehicles were prepared');
    return job.calls[used++];
  };
  const checker = responseChecker();
  const result = await autocannon({
    url: job.apiUrl,
    connections: job.connections,
    overallRate: job.rate,
    // `amount` rather than `duration`: exactly one request per prepared vehicle; at the set rate
    // that takes the intended duration.
    amount: job.calls.length,
    // autocannon's coordinated-omission correction treats the per-second rate as an interval in
    // milliseconds and back-fills a synthetic sample for every millisecond of each response, which
    // drags the percentiles far down. Off: the numbers are the measured response times.
    ignoreCoordinatedOmission: true,
    timeout: 30,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: await benchAuthorization(job.apiUrl, CALL_ACTOR) },
    requests: [
      {
        setupRequest: (req) => {
          const { vin, bookedFor } = nextCall();
          return { ...req, path: `/api/vehicles/${vin}/call-outcome`, body: JSON.stringify({ outcome: 'BOOKED', bookedFor }) };
        },
        onResponse: checker.onResponse,
      },
    ],
  });
  const l = result.latency;
  return {
    used,
    requests: result.requests.total,
    duration: result.duration,
    statusCodeStats: result.statusCodeStats,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latency: { p50: l.p50, p90: l.p90, p99: l.p99, max: l.max, mean: l.mean },
    stepNotTaken: checker.rejected.count,
    rejectedSamples: checker.rejected.samples,
    stagesAfter: checker.stagesAfter,
  };
}

/**
 * A front desk's client is signed in and its connections open before it registers anything; neither
 * is part of what a registration costs, so neither is timed. (The raw path's client is warm too.)
 */
async function registrations(job: Extract<LoadJob, { kind: 'register' }>): Promise<PoolRun> {
  await benchAuthorization(job.apiUrl, REGISTERED_BY);
  const warmUps = Array.from({ length: job.concurrency * 2 }, () => job.apiUrl);
  await runPool(warmUps, job.concurrency, async (apiUrl) => void (await (await fetch(`${apiUrl}/healthz`)).text()));
  return runPool(job.bodies, job.concurrency, (body) => registerViaApi(job.apiUrl, body));
}

function run(job: LoadJob): Promise<unknown> {
  switch (job.kind) {
    case 'register':
      return registrations(job);
    case 'baseline':
      return unloadedBaseline(job.apiUrl, job.calls, job.pauseMs);
    case 'autocannon':
      return autocannonLoad(job);
    case 'paced':
      return pacedLatency(job.apiUrl, job.calls, job.rate);
  }
}

if (require.main === module) {
  let input = '';
  process.stdin.on('data', (chunk: Buffer) => (input += chunk.toString()));
  process.stdin.on('end', () => {
    run(JSON.parse(input) as LoadJob).then(
      (result) => process.stdout.write(JSON.stringify(result)),
      (err) => {
        console.error(err instanceof Error ? (err.stack ?? err.message) : err);
        process.exit(1);
      },
    );
  });
}
