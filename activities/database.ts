import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type Db = PrismaClient;

/**
 * poolSize 1 is required for the embedded database: PGlite serves one session, and queries of two
 * connections would interleave inside each other's transactions.
 */
export function createDb(connectionString: string, poolSize = 10): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: poolSize }) });
}
