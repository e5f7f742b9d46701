// docker-compose.yml's stack as processes on this host, since containers cannot run here: the same
// PostgreSQL roles and databases, the schema job's script with the sql tool, the Temporal server built
// from source at the image's version and configured by the image's own environment variables, the
// search-attribute job's script with the Temporal CLI, then the app image as its Dockerfile builds and
// runs it (`npm run build`, the workflow bundle, the compiled command): the migrate job, one API and two
// workers. Only what a single host forces changes: service names become 127.0.0.1 and fixed ports free
// ones (`placement` below, each variable checked to exist in the compose file or to be absent from it).
import { createServer } from 'node:net';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { freePort } from '../../runtime/freePort';
import { TEST_PAYLOAD_KEY_SPEC } from '../support/payloadKeys';
import { startPostgres, TestPostgres } from '../support/postgres';
import { ComposeService, readCompose, readImage, ROOT } from './composeFile';
import { portOpen, Proc, RunOptions, runJob, startProcess, until } from './processes';

/** The operator's environment (.env) the stack is started with; secrets are test values. */
export const OPERATOR_ENV: Record<string, string> = {
  POSTGRES_PASSWORD: 'topology-app-pw',
  TEMPORAL_DB_PASSWORD: 'topology-temporal-pw',
  SERVICE_LANE_PAYLOAD_KEYS: TEST_PAYLOAD_KEY_SPEC,
  METRICS_TOKEN: 'topology-metrics-token',
};

/** Where the image keeps the schema files the schema job's script names. */
export const IMAGE_SCHEMA_DIR = '/etc/temporal/schema';
/** Where the server image reads its dynamic config unless DYNAMIC_CONFIG_FILE_PATH says otherwise. */
export const IMAGE_DYNAMIC_CONFIG = '/etc/temporal/config/dynamicconfig/docker.yaml';
/** The Temporal server's listening ports, each an environment variable of the image's config template. */
export const TEMPORAL_PORT_VARIABLES = [
  'FRONTEND_GRPC_PORT',
  'FRONTEND_HTTP_PORT',
  'FRONTEND_MEMBERSHIP_PORT',
  'HISTORY_GRPC_PORT',
  'HISTORY_MEMBERSHIP_PORT',
  'MATCHING_GRPC_PORT',
  'MATCHING_MEMBERSHIP_PORT',
  'WORKER_GRPC_PORT',
  'WORKER_MEMBERSHIP_PORT',
];

interface Ports {
  postgres: number;
  temporal: Record<string, number>;
  api: number;
}

/**
 * Per service, the variables a single host must change (`replace`: compose sets them, to a service name
 * or a container port) and the ones it must add (`add`: compose leaves them to the image's defaults).
 */
export function placement(ports: Ports, bundleDataDir: string, dynamicConfigFile: string): Record<string, { replace: Record<string, string>; add: Record<string, string> }> {
  const temporalAddress = `127.0.0.1:${ports.temporal.FRONTEND_GRPC_PORT}`;
  const pg = String(ports.postgres);
  return {
    postgres: { replace: {}, add: { PGHOST: '127.0.0.1', PGPORT: pg } },
    'temporal-schema': { replace: { SQL_HOST: '127.0.0.1', SQL_PORT: pg }, add: {} },
    temporal: {
      replace: { POSTGRES_SEEDS: '127.0.0.1', DB_PORT: pg, BIND_ON_IP: '127.0.0.1' },
      add: { ...Object.fromEntries(Object.entries(ports.temporal).map(([name, port]) => [name, String(port)])), DYNAMIC_CONFIG_FILE_PATH: dynamicConfigFile },
    },
    'temporal-search-attributes': { replace: { TEMPORAL_ADDRESS: temporalAddress }, add: {} },
    migrate: { replace: { DATABASE_URL: '' }, add: {} },
    worker: { replace: { DATABASE_URL: '', TEMPORAL_ADDRESS: temporalAddress, WORKER_HEALTH_PORT: '', TEMPORAL_METRICS_ADDRESS: '' }, add: { DATA_DIR: bundleDataDir } },
    api: { replace: { DATABASE_URL: '', TEMPORAL_ADDRESS: temporalAddress, PORT: String(ports.api) }, add: {} },
  };
}

/** `postgres:5432` in a URL becomes the test server's address. */
const onHost = (url: string, pgPort: number) => url.replace(/@postgres:5432\//, `@127.0.0.1:${pgPort}/`);

export function placedEnv(service: ComposeService, rules: { replace: Record<string, string>; add: Record<string, string> }, pgPort: number): Record<string, string> {
  const env = { ...service.env };
  for (const [key, value] of Object.entries(rules.replace)) {
    if (!(key in env)) throw new Error(`docker-compose.yml: ${service.name} no longer sets ${key}; the topology test places it`);
    env[key] = key === 'DATABASE_URL' ? onHost(env[key], pgPort) : value;
  }
  for (const [key, value] of Object.entries(rules.add)) {
    if (key in env) throw new Error(`docker-compose.yml: ${service.name} now sets ${key}; the topology test adds it`);
    env[key] = value;
  }
  return env;
}

export interface ServerBinaries {
  server: string;
  sqlTool: string;
  schemaDir: string;
  cli: string;
}

export function serverBinaries(): ServerBinaries {
  const dir = process.env.TEMPORAL_SERVER_DIR;
  const cli = process.env.TEMPORAL_CLI;
  if (!dir || !cli) throw new Error('TEMPORAL_SERVER_DIR and TEMPORAL_CLI are not set: run the tests with `npm test`, which builds the Temporal server and CLI');
  return { server: path.join(dir, 'server'), sqlTool: path.join(dir, 'sql'), schemaDir: path.join(dir, 'schema'), cli };
}

export type OneShotJob = 'temporal-schema' | 'temporal-search-attributes' | 'migrate';

export interface Topology {
  apiBase: string;
  /** The application's database as its role sees it. */
  databaseUrl: string;
  temporalAddress: string;
  postgres: TestPostgres;
  temporal(): Proc;
  workers: Proc[];
  api(): Proc;
  /** docker-compose.yml's services as the topology read them. */
  services: Record<string, ComposeService>;
  /** Runs a one-shot job again, as every `docker compose up` does; resolves with its output. */
  rerunJob(name: OneShotJob): Promise<string>;
  /** Starts worker `index` (again) and waits until its health endpoint answers. */
  startWorker(index: number): Promise<Proc>;
  restartTemporal(): Promise<void>;
  /** Each start-up step's wall time in ms. */
  timings: Record<string, number>;
  stop(): Promise<void>;
}

/** A benchmark's knobs: variables the workers get on top of the compose file's, and flags for their `node` (a profiler). */
export async function startProductionTopology(options: { workerEnv?: Record<string, string>; workerNodeFlags?: string[] } = {}): Promise<Topology> {
  const bins = serverBinaries();
  const base = await mkdtemp(path.join(tmpdir(), 'service-lane-topology-'));
  // The app processes run unprivileged and read their workflow bundle from here.
  await chmod(base, 0o755);
  const logDir = path.join(base, 'logs');
  const binDir = path.join(base, 'bin');
  await Promise.all([mkdir(logDir), mkdir(binDir)]);
  // The images' command names, on PATH as the images have them.
  await Promise.all([symlink(bins.sqlTool, path.join(binDir, 'temporal-sql-tool')), symlink(bins.cli, path.join(binDir, 'temporal')), symlink(bins.server, path.join(binDir, 'temporal-server'))]);

  const timings: Record<string, number> = {};
  const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await work();
    } finally {
      timings[step] = Date.now() - t0;
    }
  };

  const procs: Proc[] = [];
  let postgres: TestPostgres | undefined;
  const stop = async () => {
    for (const proc of [...procs].reverse()) await proc.stop('SIGTERM', 20_000);
    await postgres?.stop();
    await rm(base, { recursive: true, force: true });
  };

  try {
    postgres = await timed('postgres', startPostgres);
    const pgPort = Number(new URL(postgres.url).port);
    const temporalPorts: Record<string, number> = {};
    for (const name of TEMPORAL_PORT_VARIABLES) temporalPorts[name] = await freeSmallintPort();
    const ports: Ports = { postgres: pgPort, temporal: temporalPorts, api: await freePort() };
    const dataDir = path.join(base, 'app-data');
    const dynamicConfigFile = path.join(base, 'dynamicconfig.yaml');
    const services = readCompose(OPERATOR_ENV);
    const rules = placement(ports, dataDir, dynamicConfigFile);
    const image = readImage();
    const hostEnv = { PATH: `${binDir}:${process.env.PATH}`, HOME: process.env.HOME ?? base, TMPDIR: tmpdir() };
    const envOf = (name: string) => ({ ...hostEnv, ...placedEnv(services[name], rules[name], pgPort) });
    const run = (env: Record<string, string>): RunOptions => ({ env, cwd: base, logDir });

    await timed('databases and roles', async () => {
      await initialiseLikeThePostgresImage(postgres!.url, services.postgres.env);
      const [initScript] = Object.entries(services.postgres.files).filter(([target]) => target.startsWith('/docker-entrypoint-initdb.d/'));
      if (!initScript) throw new Error('docker-compose.yml: the postgres service has no init script for the Temporal role');
      await writeFile(path.join(base, 'init.sh'), initScript[1]);
      await runJob('postgres-init', ['/bin/bash', path.join(base, 'init.sh')], run(envOf('postgres')));
    });

    const schemaJob = () => runJob('temporal-schema', imageScript(services['temporal-schema'], bins.schemaDir), run(envOf('temporal-schema')));
    await timed('temporal schema job', schemaJob);

    const [dynamicConfigTarget, dynamicConfig] = Object.entries(services.temporal.files)[0] ?? [];
    if (dynamicConfigTarget !== IMAGE_DYNAMIC_CONFIG) throw new Error(`docker-compose.yml: the temporal service must mount its dynamic config at ${IMAGE_DYNAMIC_CONFIG}`);
    await writeFile(dynamicConfigFile, dynamicConfig);
    const temporalAddress = `127.0.0.1:${temporalPorts.FRONTEND_GRPC_PORT}`;
    let temporal: Proc;
    // The image's entrypoint runs `temporal-server start`: no config file, so the server renders its
    // embedded template from the environment, as in the container.
    const startTemporal = async () => {
      temporal = startProcess('temporal', ['temporal-server', 'start'], run(envOf('temporal')));
      procs.push(temporal);
      await until('the Temporal frontend port (compose health check)', () => portOpen(temporalPorts.FRONTEND_GRPC_PORT), 120_000, [temporal]);
    };
    await timed('temporal server', startTemporal);

    const searchAttributesJob = () => runJob('temporal-search-attributes', imageScript(services['temporal-search-attributes'], bins.schemaDir), run(envOf('temporal-search-attributes')));
    await timed('search attributes job', searchAttributesJob);

    // The image runs its commands from /app, the repository's root here.
    const appOptions = (env: Record<string, string>): RunOptions => ({ env: { ...hostEnv, ...image.env, ...env }, cwd: ROOT, logDir });
    // The image runs as a user that owns nothing under /app (Dockerfile USER); under root here, so do these,
    // as nobody: a file the build left unreadable fails here as it would in the container.
    const dropRoot = process.getuid?.() === 0 && !['root', '0'].includes(image.user.split(':')[0]);
    const asImageUser = (argv: string[]) => (dropRoot ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', ...argv] : argv);
    const appArgv = (argv: string[]) => asImageUser(argv[0] === 'node' ? [process.execPath, ...argv.slice(1)] : argv);

    // The image's build steps: the compiled product, and the workflow bundle made from it into its data
    // directory (kept between runs under the bundle's content hash, as the worker names it).
    await timed('compiled product', () => buildWhenStale(logDir));
    await timed('workflow bundle', async () => {
      const made = await runJob('workflow-bundle', [process.execPath, '-e', "require('./dist/runtime/workflowBundle').prebuiltWorkflowBundle(process.argv[1]).then((b) => console.log(b.codePath))", IMAGE_BUNDLE_CACHE], { env: hostEnv, cwd: ROOT, logDir });
      const codePath = made.trim().split('\n').pop()!;
      await mkdir(path.join(dataDir, 'workflow-bundles'), { recursive: true });
      await copyFile(codePath, path.join(dataDir, 'workflow-bundles', path.basename(codePath)));
    });

    const migrateJob = () => runJob('migrate', appArgv(services.migrate.argv), appOptions(envOf('migrate')));
    await timed('migrate job', migrateJob);

    // The SMTP sink listens on loopback, which the outbound guard refuses unless allowed. A sender killed
    // with its worker leaves its message leased: 10 s instead of the production 5 minutes before another
    // sender takes it over keeps the chaos test short.
    const outbox = { OUTBOUND_ALLOWED_HOSTS: '127.0.0.1', OUTBOX_POLL_MS: '250', OUTBOX_LEASE_MS: '10000' };
    const workers: Proc[] = [];
    const startWorker = async (index: number) => {
      const health = await freePort();
      const env = { ...envOf('worker'), WORKER_HEALTH_PORT: String(health), TEMPORAL_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`, ...outbox, ...options.workerEnv };
      const [command, ...args] = services.worker.argv.length ? services.worker.argv : image.cmd;
      const worker = startProcess(`worker-${index + 1}`, appArgv(command === 'node' ? [command, ...(options.workerNodeFlags ?? []), ...args] : [command, ...args]), appOptions(env));
      procs.push(worker);
      workers[index] = worker;
      await until(`worker ${index + 1} to be healthy (its /healthz)`, async () => ((await fetch(`http://127.0.0.1:${health}/healthz`)).ok ? true : undefined), 180_000, [worker]);
      return worker;
    };
    let api: Proc;
    const apiBase = `http://127.0.0.1:${ports.api}`;
    await timed('api and two workers', async () => {
      api = startProcess('api', appArgv(services.api.argv.length ? services.api.argv : image.cmd), appOptions(envOf('api')));
      procs.push(api);
      await Promise.all([
        startWorker(0),
        startWorker(1),
        until('the API to be ready (its /readyz, as compose checks)', async () => ((await fetch(`${apiBase}/readyz`)).ok ? true : undefined), 180_000, [api]),
      ]);
    });

    return {
      apiBase,
      databaseUrl: onHost(services.api.env.DATABASE_URL, pgPort),
      temporalAddress,
      postgres,
      temporal: () => temporal,
      workers,
      api: () => api,
      services,
      rerunJob: (name) => ({ 'temporal-schema': schemaJob, 'temporal-search-attributes': searchAttributesJob, migrate: migrateJob })[name](),
      startWorker,
      restartTemporal: async () => {
        await temporal.exited;
        await startTemporal();
      },
      timings,
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

const IMAGE_BUNDLE_CACHE = path.join(tmpdir(), 'service-lane-image-workflow-bundles');
/** What decides how `npm run build` compiles, besides the source directories. */
const BUILD_CONFIG = ['tsconfig.json', 'tsconfig.build.json', 'scripts/build.sh', 'package-lock.json'];

/**
 * `npm run build` unless dist/ is newer than everything it is built from: the directories the build
 * includes and the ones it emitted code for (those the included code imports).
 */
async function buildWhenStale(logDir: string): Promise<void> {
  const built = await stat(path.join(ROOT, 'dist', '.built')).then((s) => s.mtimeMs, () => 0);
  if (built === 0) return runBuild(logDir);
  const included = (JSON.parse(await readFile(path.join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] }).include;
  const emitted = (await readdir(path.join(ROOT, 'dist'), { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  const inputs = [...new Set([...included, ...emitted, ...BUILD_CONFIG])].map((input) => path.join(ROOT, input));
  const newest = async (entry: string): Promise<number> => {
    const info = await stat(entry);
    if (!info.isDirectory()) return info.mtimeMs;
    const children = await readdir(entry);
    return Math.max(info.mtimeMs, ...(await Promise.all(children.map((child) => newest(path.join(entry, child))))));
  };
  const sources = Math.max(...(await Promise.all(inputs.map((input) => newest(input).catch(() => 0)))));
  if (sources > built) await runBuild(logDir);
}

async function runBuild(logDir: string): Promise<void> {
  await runJob('npm-run-build', ['bash', 'scripts/build.sh'], { env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? tmpdir() }, cwd: ROOT, logDir });
}

/**
 * What the postgres image does before its init scripts: the POSTGRES_USER superuser with its password,
 * owning POSTGRES_DB. Commits are made durable again: the throw-away server runs with
 * synchronous_commit off, which would let a crash lose commits a production server keeps.
 */
async function initialiseLikeThePostgresImage(superuserUrl: string, env: Record<string, string>): Promise<void> {
  const admin = new PgClient({ connectionString: superuserUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${admin.escapeIdentifier(env.POSTGRES_USER)} SUPERUSER LOGIN PASSWORD ${admin.escapeLiteral(env.POSTGRES_PASSWORD)}`);
    const { rows } = await admin.query('SELECT current_database() AS name');
    if (rows[0].name !== env.POSTGRES_DB) throw new Error(`the test server's database is ${rows[0].name}, docker-compose.yml's POSTGRES_DB is ${env.POSTGRES_DB}`);
    await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(env.POSTGRES_DB)} OWNER TO ${admin.escapeIdentifier(env.POSTGRES_USER)}`);
    await admin.query('ALTER SYSTEM SET synchronous_commit = on');
    await admin.query('SELECT pg_reload_conf()');
  } finally {
    await admin.end();
  }
}

/**
 * The server records its ports in a smallint column (cluster_membership.rpc_port), so they must stay below
 * 32768, under the system's ephemeral range where freePort's come from.
 */
async function freeSmallintPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** A job's `sh -euc <script>` with the image's schema directory where this host keeps it. */
function imageScript(service: ComposeService, schemaDir: string): string[] {
  return service.argv.map((word) => word.split(IMAGE_SCHEMA_DIR).join(schemaDir));
}
