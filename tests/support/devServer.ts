import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTemporalDevServer, TemporalDevServer } from '../../runtime/temporalDevServer';
import { freePort } from '../../runtime/freePort';
import { requiredTool } from './tools';

/** The real Temporal dev server (the product's own launcher) on a throw-away SQLite file. */
export async function startTestDevServer(): Promise<TemporalDevServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'service-lane-temporal-'));
  const server = await startTemporalDevServer({
    executable: requiredTool('TEMPORAL_CLI'),
    dbFile: path.join(dir, 'temporal.db'),
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
    headless: true,
  });
  return {
    ...server,
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
