// `npm run admin -- create-general-manager --store <id> --name <name> --id <staffId> [--store-name <name>]`:
// a general manager from the shell — the first account of a dealership's database, or a way back in when
// nobody who manages staff can sign in. Prints a temporary password, to be changed at the first sign-in.
// Uses DATABASE_URL, else the embedded database under DATA_DIR (stop `npm start` first: it serves one process).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDb } from '../activities/database';
import { HttpError } from '../api/httpError';
import { createGeneralManager } from '../commands/firstAccount';
import { systemClock } from './clock';
import { loadConfig } from './config';
import { startEmbeddedDatabase } from './embeddedDatabase';
import { applyMigrations } from './migrate';

const USAGE = 'usage: npm run admin -- create-general-manager --store <storeId> --name <name> --id <staffId> [--store-name <store name>]';

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { store: { type: 'string' }, name: { type: 'string' }, id: { type: 'string' }, 'store-name': { type: 'string' } },
  });
  if (positionals[0] !== 'create-general-manager' || positionals.length !== 1 || !values.store || !values.name || !values.id) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  if (!config.databaseUrl && !existsSync(path.join(config.dataDir, 'pglite'))) {
    throw new Error(`no embedded database under ${config.dataDir}: set DATABASE_URL, or DATA_DIR to where npm start keeps its data`);
  }
  const embedded = config.databaseUrl ? undefined : await startEmbeddedDatabase(config.dataDir);
  const url = config.databaseUrl ?? embedded!.url;
  try {
    // A dealership's fresh database may not have been migrated by `npm start` yet.
    await applyMigrations(url);
    const db = createDb(url, 1);
    try {
      // Who ran it, as far as the shell says: the store's audit chain names the door and the account.
      const actor = `admin-cli:${process.env.USER || process.env.LOGNAME || 'unknown'}`;
      const made = await createGeneralManager(db, { storeId: values.store, storeName: values['store-name'], staffId: values.id, name: values.name }, actor, systemClock.now());
      if (made.storeCreated) console.log(`store ${values.store} created`);
      console.log(`general manager ${values.id} (${values.name}) of store ${values.store}, spanning every store`);
      console.log(`temporary password (shown once): ${made.temporaryPassword}`);
      console.log('they must choose their own password at the first sign-in');
      return 0;
    } finally {
      await db.$disconnect();
    }
  } finally {
    await embedded?.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof HttpError ? `refused: ${err.message}` : err instanceof Error ? err.message : err);
    process.exit(err instanceof HttpError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1);
  },
);
