// Passwords are hashed with Node's scrypt (memory-hard, in the standard library), never stored in clear.
import { randomBytes, scrypt as scryptCb, ScryptOptions, timingSafeEqual } from 'node:crypto';

/** scrypt's work factors; N is the one that grows with hardware. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP's password storage recommendation for scrypt (N = 2^17, r = 8, p = 1): 128 MiB and about half a
 * second of one core per hash on the development machines, paid once per sign-in.
 */
export const RECOMMENDED_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;
// scrypt needs 128·N·r bytes; the default cap (32 MiB) is below the recommended cost.
const MAX_MEMORY = 512 * 1024 * 1024;

/**
 * The cost new hashes get: RECOMMENDED_COST, or N from PASSWORD_SCRYPT_N (a power of two) so the test
 * suite, which hashes for every person it seeds, does not pay production's price each time.
 */
export function scryptCostFrom(raw: string | undefined): ScryptCost {
  if (raw === undefined || raw === '') return RECOMMENDED_COST;
  const N = Number(raw);
  if (!Number.isInteger(N) || N < 2 ** 10 || N > 2 ** 18 || (N & (N - 1)) !== 0) throw new Error(`PASSWORD_SCRYPT_N must be a power of two from 1024 to 262144, got ${raw}`);
  return { ...RECOMMENDED_COST, N };
}

let configured: ScryptCost | undefined;
export function configuredCost(): ScryptCost {
  configured ??= scryptCostFrom(process.env.PASSWORD_SCRYPT_N);
  return configured;
}

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keyLength, { ...options, maxmem: MAX_MEMORY }, (err, key) => (err ? reject(err) : resolve(key))));
}

/** "scrypt$N$r$p$salt$key" (base64url), so the cost can rise later without breaking stored hashes. */
export async function hashPassword(password: string, cost = configuredCost()): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  // A person without a password still costs one hash, so timing does not tell who exists.
  const parts = (stored ?? dummyHash()).split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, key] = parts;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return stored !== null && stored !== undefined && timingSafeEqual(actual, expected);
}

/** Whether a stored hash was made at another cost than new ones get: then sign-in hashes the password again. */
export function needsRehash(stored: string, cost = configuredCost()): boolean {
  const [scheme, n, r, p] = stored.split('$');
  return scheme !== 'scrypt' || Number(n) !== cost.N || Number(r) !== cost.r || Number(p) !== cost.p;
}

function dummyHash(): string {
  const { N, r, p } = configuredCost();
  return `scrypt$${N}$${r}$${p}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
}
