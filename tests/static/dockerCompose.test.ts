// Static checks on the production stack (docker-compose.yml, Dockerfile, .dockerignore). Docker
// cannot run here, so these catch what would otherwise surface only on the dealership's server:
// a service that never starts, points at the wrong host, misses a search attribute or leaks a secret.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTE_FLAGS } from '../../workflows/lifecycle/contract';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

type Env = Record<string, string>;
interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  ports?: Array<string | number | { target: number; published?: string | number }>;
  expose?: Array<string | number>;
  restart?: string;
  healthcheck?: { test?: string | string[]; disable?: boolean };
}

const composeText = read('docker-compose.yml');
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const serviceNames = Object.keys(services);

/** Compose's interpolation as if no variable were set: `${X:-d}` gives d, `${X:?msg}` a marker. */
function interpolate(value: string): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, name?: string, op?: string, arg?: string) => {
      if (match === '$$') return '$';
      if (!name || !op) return '';
      return op.endsWith('-') ? (arg ?? '') : `REQUIRED_${name}`;
    },
  );
}

function rawEnv(service: Service): Env {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => [entry.split('=')[0], entry.slice(entry.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value ?? '')]));
}

const env = (service: Service): Env =>
  Object.fromEntries(Object.entries(rawEnv(service)).map(([key, value]) => [key, interpolate(value)]));

const words = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const commandText = (service: Service) => interpolate([...words(service.entrypoint), ...words(service.command)].join(' '));

function dependsOn(service: Service): Record<string, string> {
  const deps = service.depends_on ?? [];
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, dep]) => [name, dep?.condition ?? 'service_started']));
}

/** Container-side ports with the host ports they are published on. */
function portMappings(service: Service): Array<{ target: number; published?: string }> {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') return { target: Number(port.target), published: port.published?.toString() };
    const parts = interpolate(String(port)).replace(/\/(tcp|udp)$/, '').split(':');
    const target = Number(parts[parts.length - 1]);
    return { target, published: parts.length > 1 ? parts[parts.length - 2] : undefined };
  });
}

const containerPorts = (service: Service) => [
  ...(service.expose ?? []).map((port) => Number(String(port).split('/')[0])),
  ...portMappings(service).map((port) => port.target),
];

const isOneShot = (service: Service) => service.restart === 'no' || service.restart?.startsWith('on-failure') === true;
const servicesWhere = (predicate: (service: Service) => boolean) => serviceNames.filter((name) => predicate(services[name]));
const imageOf = (service: Service) => (service.image ? interpolate(service.image) : '');

function onlyService(description: string, predicate: (service: Service) => boolean): string {
  const matches = servicesWhere(predicate);
  if (matches.length !== 1) throw new Error(`expected exactly one ${description} service, found [${matches.join(', ')}]`);
  return matches[0];
}

const postgresName = onlyService('postgres', (service) => /^postgres([:@]|$)/.test(imageOf(service)));
const temporalName = onlyService('Temporal server', (service) => /^temporalio\/(server|auto-setup)([:@]|$)/.test(imageOf(service)));

interface DockerInstruction {
  keyword: string;
  args: string;
}

function dockerfileInstructions(): DockerInstruction[] {
  return read('Dockerfile')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** Instructions of the last build stage, the one that becomes the image. */
function finalStage(): DockerInstruction[] {
  const instructions = dockerfileInstructions();
  const lastFrom = instructions.map((instruction) => instruction.keyword).lastIndexOf('FROM');
  return instructions.slice(lastFrom);
}

const hasDockerfileHealthcheck = () => finalStage().some((instruction) => instruction.keyword === 'HEALTHCHECK');

function hasHealthcheck(service: Service): boolean {
  if (service.healthcheck?.disable) return false;
  if (service.healthcheck?.test) return true;
  return service.build !== undefined && hasDockerfileHealthcheck();
}

describe('docker-compose.yml: what would stop the stack from starting', () => {
  test('every service runs a pinned image tag (never :latest) or is built from the repo Dockerfile', () => {
    for (const name of serviceNames) {
      const service = services[name];
      if (service.build !== undefined) {
        const build = typeof service.build === 'string' ? { context: service.build } : service.build;
        expect({ name, context: path.resolve(ROOT, build.context ?? '.') }).toEqual({ name, context: ROOT });
        expect({ name, dockerfile: existsSync(path.join(ROOT, build.dockerfile ?? 'Dockerfile')) }).toEqual({ name, dockerfile: true });
        if (!service.image) continue;
      }
      const image = imageOf(service);
      const reference = image.slice(image.lastIndexOf('/') + 1);
      const tag = reference.includes('@') ? reference.slice(reference.indexOf('@') + 1) : reference.split(':')[1];
      expect({ name, image, pinned: Boolean(tag) && tag !== 'latest' }).toEqual({ name, image, pinned: true });
    }
  });

  test('every depends_on names a service in this file, with a condition that service can meet', () => {
    for (const name of serviceNames) {
      for (const [target, condition] of Object.entries(dependsOn(services[name]))) {
        expect({ name, target, exists: serviceNames.includes(target) }).toEqual({ name, target, exists: true });
        const dependency = services[target];
        if (condition === 'service_healthy') {
          // Waiting for health on a service without a healthcheck fails the whole `up`.
          expect({ name, target, hasHealthcheck: hasHealthcheck(dependency) }).toEqual({ name, target, hasHealthcheck: true });
        } else if (condition === 'service_completed_successfully') {
          expect({ name, target, oneShot: isOneShot(dependency) }).toEqual({ name, target, oneShot: true });
        } else {
          expect({ name, target, condition }).toEqual({ name, target, condition: 'service_started' });
        }
      }
    }
  });

  test('long-running services restart after a crash or reboot; one-shot jobs run once', () => {
    const oneShots = new Set(
      serviceNames.flatMap((name) =>
        Object.entries(dependsOn(services[name]))
          .filter(([, condition]) => condition === 'service_completed_successfully')
          .map(([target]) => target),
      ),
    );
    for (const name of serviceNames) {
      const expected = oneShots.has(name) ? ['no', 'on-failure'] : ['unless-stopped', 'always'];
      const restart = services[name].restart?.split(':')[0];
      expect({ name, restart: expected.includes(restart ?? '') ? 'ok' : restart }).toEqual({ name, restart: 'ok' });
    }
  });

  test('the app waits for PostgreSQL and Temporal to be healthy, and for migrations and search attributes', () => {
    const searchAttributesJob = servicesWhere((service) => commandText(service).includes('search-attribute create'));
    for (const name of ['worker', 'api']) {
      expect({ name, dependsOn: dependsOn(services[name]) }).toEqual({
        name,
        dependsOn: expect.objectContaining({
          [postgresName]: 'service_healthy',
          [temporalName]: 'service_healthy',
          migrate: 'service_completed_successfully',
          ...Object.fromEntries(searchAttributesJob.map((job) => [job, 'service_completed_successfully'])),
        }),
      });
    }
  });
});

describe('docker-compose.yml: the app reaches the services this file defines', () => {
  const postgres = services[postgresName];
  const postgresEnv = env(postgres);

  test.each(['worker', 'api'])('%s: DATABASE_URL names the postgres service, its port, user and database', (name) => {
    const url = new URL(env(services[name]).DATABASE_URL ?? '');
    const user = postgresEnv.POSTGRES_USER || 'postgres';
    expect({
      protocol: url.protocol,
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username),
      database: url.pathname.slice(1),
    }).toEqual({
      protocol: expect.stringMatching(/^postgres(ql)?:$/),
      host: postgresName,
      port: Number(postgresEnv.PGPORT || 5432),
      user,
      database: postgresEnv.POSTGRES_DB || user,
    });
    // The password comes from the same variable the server is initialised with.
    expect(decodeURIComponent(url.password)).toBe(postgresEnv.POSTGRES_PASSWORD);
  });

  test.each(['worker', 'api'])('%s: TEMPORAL_ADDRESS names the Temporal service and its frontend port', (name) => {
    const [host, port] = (env(services[name]).TEMPORAL_ADDRESS ?? '').split(':');
    const frontendPort = Number(env(services[temporalName]).FRONTEND_GRPC_PORT || 7233);
    expect({ host, port: Number(port) }).toEqual({ host: temporalName, port: frontendPort });
    expect(containerPorts(services[temporalName])).toContain(frontendPort);
  });

  test('worker and api run their own role', () => {
    expect(env(services.worker).SERVICE_LANE_ROLE).toBe('worker');
    expect(env(services.api).SERVICE_LANE_ROLE).toBe('api');
  });

  test('the api publishes the port it listens on (PORT, default 3000 as in runtime/config.ts)', () => {
    const port = Number(env(services.api).PORT || 3000);
    const mapping = portMappings(services.api).find((candidate) => candidate.target === port);
    expect(mapping?.published).toMatch(/^\d+$/);
    const exposed = finalStage()
      .filter((instruction) => instruction.keyword === 'EXPOSE')
      .flatMap((instruction) => instruction.args.split(/\s+/).map((entry) => Number(entry.split('/')[0])));
    expect(exposed).toContain(port);
  });

  test('the migrate job runs runtime/migrate.ts, compiled (which exists and has a CLI entry), on the app database', () => {
    const migrate = services.migrate;
    expect(commandText(migrate)).toContain('dist/runtime/migrate.js');
    const source = read('runtime/migrate.ts');
    // Without the entry point the job would import the module, do nothing and exit 0.
    expect(source).toContain('require.main === module');
    expect(env(migrate).DATABASE_URL).toBe(env(services.worker).DATABASE_URL);
  });
});

describe('docker-compose.yml: Temporal search attributes', () => {
  const jobName = onlyService('search-attribute', (service) => commandText(service).includes('search-attribute create'));
  const job = services[jobName];
  const script = commandText(job);

  test('the search-attribute job registers exactly SEARCH_ATTRIBUTE_FLAGS, with their types', () => {
    const pairs = [...script.matchAll(/--name[\s=]+"?([A-Za-z0-9_]+)"?\s+--type[\s=]+"?([A-Za-z]+)"?/g)];
    // A --name without its --type would make the CLI reject the whole command.
    expect(pairs).toHaveLength(script.match(/--name\b/g)?.length ?? 0);
    const registered = pairs.map(([, name, type]) => `${name}=${type.toLowerCase()}`).sort();
    const expected = SEARCH_ATTRIBUTE_FLAGS.map((flag) => {
      const [name, type] = flag.split('=');
      return `${name}=${type.toLowerCase()}`;
    }).sort();
    expect(registered).toEqual(expected);
  });

  test('the search-attribute job uses the Temporal CLI image and targets the same server and namespace as the app', () => {
    expect(imageOf(job)).toMatch(/^temporalio\/admin-tools:/);
    const jobEnv = env(job);
    const addressFlag = script.match(/--address[\s=]+"?([^\s"]+)/)?.[1];
    expect(addressFlag ?? jobEnv.TEMPORAL_ADDRESS).toBe(env(services.worker).TEMPORAL_ADDRESS);
    const namespace = (serviceEnv: Env) => serviceEnv.TEMPORAL_NAMESPACE || 'default';
    expect(namespace(jobEnv)).toBe(namespace(env(services.worker)));
    expect(namespace(env(services.api))).toBe(namespace(env(services.worker)));
    expect(dependsOn(job)[temporalName]).toBe('service_healthy');
  });
});

describe('docker-compose.yml: secrets', () => {
  const requiredVariable = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?\?[^}]*\}$/;

  test('password and secret variables come from the environment, required, with no default', () => {
    for (const name of serviceNames) {
      for (const [key, value] of Object.entries(rawEnv(services[name]))) {
        if (!/PASSWORD|PWD|SECRET|TOKEN|API_KEY/i.test(key)) continue;
        expect({ name, key, value: requiredVariable.test(value) ? 'required variable' : value }).toEqual({
          name,
          key,
          value: 'required variable',
        });
      }
    }
  });

  test('no URL or command line in the file carries a literal password', () => {
    const strings = (node: unknown): string[] =>
      typeof node === 'string'
        ? [node]
        : node && typeof node === 'object'
          ? Object.values(node).flatMap(strings)
          : [];
    // Interpolated, a required variable becomes REQUIRED_<NAME>; a literal (or a default) stays as written.
    const values = strings(compose).map(interpolate);
    const passwords = values.flatMap((value) =>
      [...value.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:([^\s/@]*)@/gi)].map(([url, password]) => ({ url, password })),
    );
    expect(passwords.length).toBeGreaterThan(0); // DATABASE_URL at least: the scan sees what it should
    const flags = values.flatMap((value) =>
      [...value.matchAll(/--(?:pw|password)[\s=]+"?([^\s"]+)/g)].map(([url, password]) => ({ url, password })),
    );
    for (const { url, password } of [...passwords, ...flags]) {
      expect({ url, literal: /^REQUIRED_[A-Za-z_][A-Za-z0-9_]*$/.test(password) ? 'no' : 'yes' }).toEqual({ url, literal: 'no' });
    }
  });

  test('no secret-looking variable has a fallback value', () => {
    expect(composeText.match(/\$\{[A-Za-z0-9_]*(PASSWORD|PWD|SECRET|TOKEN)[A-Za-z0-9_]*:?-[^}]*\}/gi) ?? []).toEqual([]);
  });
});

describe('Dockerfile and .dockerignore', () => {
  test('every stage builds on Node 20', () => {
    const stages = new Set<string>();
    for (const { keyword, args } of dockerfileInstructions()) {
      if (keyword !== 'FROM') continue;
      const [image, as, stage] = args.replace(/--platform=\S+\s+/, '').split(/\s+/);
      if (!stages.has(image)) expect(image).toMatch(/^node:20([.-]|$)/);
      if (as?.toUpperCase() === 'AS' && stage) stages.add(stage);
    }
    expect(finalStage()[0].keyword).toBe('FROM');
  });

  test('the image does not run as root', () => {
    const users = finalStage().filter((instruction) => instruction.keyword === 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1].args.split(':')[0];
    expect(['root', '0', '']).not.toContain(user);
  });

  test('CMD runs runtime/start.ts compiled to dist/ by `npm run build`, which the build stage runs', () => {
    const cmd = finalStage().filter((instruction) => instruction.keyword === 'CMD').pop()?.args ?? '';
    expect(JSON.parse(cmd)).toEqual(['node', 'dist/runtime/start.js']);
    expect(existsSync(path.join(ROOT, 'runtime/start.ts'))).toBe(true);
    const pkg = JSON.parse(read('package.json')) as { scripts?: Record<string, string> };
    expect(pkg.scripts?.build).toBeDefined();
    expect(dockerfileInstructions().filter((instruction) => instruction.keyword === 'RUN').map((instruction) => instruction.args)).toContain('npm run build');
    // No TypeScript at run time: the image keeps the production dependencies only.
    expect(cmd).not.toContain('tsx');
    expect(read('Dockerfile')).toMatch(/npm ci --omit=dev/);
  });

  test('HEALTHCHECK probes the API route /healthz', () => {
    const healthcheck = finalStage().find((instruction) => instruction.keyword === 'HEALTHCHECK')?.args ?? '';
    expect(healthcheck).toContain('/healthz');
    expect(read('api/app.ts')).toContain("'/healthz'");
  });

  test('.dockerignore keeps host-built files out and the sources the app runs in', () => {
    const ignored = read('.dockerignore')
      .split(/\r?\n/)
      .map((line) => line.trim().replace(/^\/+|\/+$/g, ''))
      .filter((line) => line && !line.startsWith('#'));
    // Host node_modules and generated client would overwrite the ones built for the image.
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'generated', '.env']));
    const needed = ['package.json', 'package-lock.json', 'tsconfig.json', 'prisma', 'runtime', 'workflows', 'activities', 'api', 'domain'];
    expect(ignored.filter((pattern) => needed.includes(pattern) || pattern === '*' || pattern === '**')).toEqual([]);
  });
});
