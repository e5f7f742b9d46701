// The outbox sender on its own: `tsx notifications/senderMain.ts` with DATABASE_URL. `npm start` runs the
// same dispatcher inside the worker process; this entry lets a deployment run senders apart (and lets the
// crash test kill one mid-send).
import { createDb } from '../activities/database';
import { createDispatcher, outboxTimingFromEnv } from './dispatcher';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const db = createDb(url, 2);
  const { leaseMs, pollMs } = outboxTimingFromEnv();
  const dispatcher = createDispatcher({ db, leaseMs });
  const loop = dispatcher.start(pollMs);
  console.log('outbox sender running');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, async () => {
      await loop.stop();
      dispatcher.close();
      await db.$disconnect();
      process.exit(0);
    });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
