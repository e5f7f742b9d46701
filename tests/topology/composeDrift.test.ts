// The topology test runs docker-compose.yml's commands and environment, changing only what one host forces
// (productionTopology.ts PLACEMENT). These checks fail when the file and the test part ways: a variable the
// test places disappears or appears, the databases or roles differ, or the server built for the test is
// not the version the images run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { WORKER_SHUTDOWN_GRACE } from '../../runtime/lifecycleWorker';
import { readCompose, readImage } from './composeFile';
import { IMAGE_SCHEMA_DIR, OPERATOR_ENV, placedEnv, placement, serverBinaries, TEMPORAL_PORT_VARIABLES } from './productionTopology';

const services = readCompose(OPERATOR_ENV);
const image = readImage();
const fakePorts = { postgres: 15432, temporal: Object.fromEntries(TEMPORAL_PORT_VARIABLES.map((name, i) => [name, 17000 + i])), api: 13000 };
const rules = placement(fakePorts, '/tmp/data', '/tmp/dynamicconfig.yaml');
const tagOf = (imageName: string) => imageName.split(':').pop();

test('every variable the test places is one compose sets, and every one it adds is one compose leaves out', () => {
  for (const [name, rule] of Object.entries(rules)) {
    const env = placedEnv(services[name], rule, fakePorts.postgres);
    expect({ name, variables: Object.keys(env).sort() }).toEqual({ name, variables: [...new Set([...Object.keys(services[name].env), ...Object.keys(rule.add)])].sort() });
  }
});

test('the application services: migrate runs its command, worker and api the image command in their role', () => {
  expect(services.migrate.argv.join(' ')).toMatch(/runtime\/migrate\.(ts|js)$/);
  expect(services.worker.argv).toEqual([]);
  expect(services.api.argv).toEqual([]);
  expect(image.cmd.join(' ')).toMatch(/runtime\/start\.(ts|js)$/);
  expect([services.worker.env.SERVICE_LANE_ROLE, services.api.env.SERVICE_LANE_ROLE]).toEqual(['worker', 'api']);
  for (const name of ['migrate', 'worker', 'api']) expect({ name, image: services[name].image }).toEqual({ name, image: services.api.image });
});

test('database names: the schema job creates the two the server opens, the app uses POSTGRES_DB', () => {
  const script = services['temporal-schema'].argv.join('\n');
  const setups = [...script.matchAll(/^\s*setup\s+(\S+)\s+(\S+)\s*$/gm)].map(([, database, schema]) => ({ database, schema }));
  const temporal = services.temporal.env;
  expect(setups.map((s) => s.database)).toEqual([temporal.DBNAME, temporal.VISIBILITY_DBNAME]);
  expect(script).toContain(`${IMAGE_SCHEMA_DIR}/postgresql/v12/`);
  const appDatabase = new URL(services.api.env.DATABASE_URL).pathname.slice(1);
  expect(appDatabase).toBe(services.postgres.env.POSTGRES_DB);
  expect(new Set([appDatabase, temporal.DBNAME, temporal.VISIBILITY_DBNAME]).size).toBe(3);
  const { schemaDir } = serverBinaries();
  for (const { schema } of setups) expect({ schema, versioned: existsSync(path.join(schemaDir, 'postgresql/v12', schema, 'versioned')) }).toEqual({ schema, versioned: true });
});

test('two roles: Temporal and its schema job use their own, the app the superuser the postgres image creates', () => {
  const temporalRole = services.temporal.env.POSTGRES_USER;
  expect(services['temporal-schema'].env.SQL_USER).toBe(temporalRole);
  expect(services.postgres.env.TEMPORAL_DB_USER).toBe(temporalRole);
  const appRole = decodeURIComponent(new URL(services.api.env.DATABASE_URL).username);
  expect(appRole).toBe(services.postgres.env.POSTGRES_USER);
  expect(appRole).not.toBe(temporalRole);
});

test('versions: the server built for the test is the one the server and admin-tools images run', () => {
  const tag = tagOf(services.temporal.image);
  expect(tagOf(services['temporal-schema'].image)).toBe(tag);
  expect(tagOf(services['temporal-search-attributes'].image)).toBe(tag);
  const { server, sqlTool } = serverBinaries();
  expect(execFileSync(server, ['--version'], { encoding: 'utf8' })).toMatch(new RegExp(`version ${tag!.replace(/\./g, '\\.')}\\b`));
  expect(existsSync(sqlTool)).toBe(true);
});

test('a stopping worker lets its activities finish within the time compose gives it before the kill', () => {
  const seconds = (duration: string | undefined) => Number(/^(\d+)s$/.exec(duration ?? '')?.[1] ?? NaN);
  expect(seconds(WORKER_SHUTDOWN_GRACE)).toBeLessThan(seconds(services.worker.stopGracePeriod));
});
