// `npm run audit:verify`: checks every vehicle's and every store's audit hash chain. Uses DATABASE_URL, else opens the
// embedded database under DATA_DIR (stop `npm start` first: the embedded database serves one process).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { loadConfig } from './config';
import { startEmbeddedDatabase } from './embeddedDatabase';
import { CHAIN_ROWS_SQL, ChainRow, STORE_CHAIN_ROWS_SQL, StoreChainRow, verifyChainRows, verifyStoreChainRows } from '../api/audit/verifyChain';

async function main(): Promise<number> {
  const config = loadConfig();
  if (!config.databaseUrl && !existsSync(path.join(config.dataDir, 'pglite'))) {
    throw new Error(`no embedded database under ${config.dataDir}: set DATABASE_URL, or DATA_DIR to where npm start keeps its data`);
  }
  const embedded = config.databaseUrl ? undefined : await startEmbeddedDatabase(config.dataDir);
  const client = new Client({ connectionString: config.databaseUrl ?? embedded!.url });
  await client.connect();
  try {
    const report = verifyChainRows((await client.query<ChainRow>(CHAIN_ROWS_SQL)).rows);
    const stores = verifyStoreChainRows((await client.query<StoreChainRow>(STORE_CHAIN_ROWS_SQL)).rows);
    console.log(`audit log: ${report.events} events of ${report.vehicles} vehicles and ${stores.events} events of ${stores.stores} stores checked`);
    const problems = [...report.problems, ...stores.problems];
    for (const p of problems) console.error(`  ✗ ${p}`);
    console.log(problems.length === 0 ? 'audit log: every chain is intact' : `audit log: ${problems.length} problem(s)`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    await client.end();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
