// Password hashing at the recommended cost, the cost from the environment, and `trust proxy` from it.
import { hashPassword, needsRehash, RECOMMENDED_COST, scryptCostFrom, verifyPassword } from '../../api/auth/passwords';
import { trustProxyFrom } from '../../runtime/config';

test("production's cost: scrypt N = 2^17, r = 8, p = 1 (OWASP), and it verifies", async () => {
  expect(RECOMMENDED_COST).toEqual({ N: 131072, r: 8, p: 1 });
  expect(scryptCostFrom(undefined)).toEqual(RECOMMENDED_COST);
  const started = performance.now();
  const hash = await hashPassword('correct horse battery', RECOMMENDED_COST);
  const hashMs = performance.now() - started;
  expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  expect(await verifyPassword('correct horse battery', hash)).toBe(true);
  expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
  expect(needsRehash(hash, RECOMMENDED_COST)).toBe(false);
  // Slow on purpose, but a sign-in must not take seconds.
  expect(hashMs).toBeGreaterThan(20);
  expect(hashMs).toBeLessThan(5_000);
});

test('PASSWORD_SCRYPT_N: a power of two within bounds, else start-up fails with what was expected', () => {
  expect(scryptCostFrom('16384')).toEqual({ N: 16384, r: 8, p: 1 });
  expect(scryptCostFrom('')).toEqual(RECOMMENDED_COST);
  for (const bad of ['1000', '512', '524288', 'x', '16384.0e0x']) expect(() => scryptCostFrom(bad)).toThrow(/PASSWORD_SCRYPT_N must be a power of two/);
});

test('a hash made at another cost, or not scrypt, asks to be made again', async () => {
  const cheap = await hashPassword('pw-123456789', { N: 1024, r: 8, p: 1 });
  expect(needsRehash(cheap, { N: 16384, r: 8, p: 1 })).toBe(true);
  expect(needsRehash(cheap, { N: 1024, r: 8, p: 1 })).toBe(false);
  expect(needsRehash(cheap, { N: 1024, r: 16, p: 1 })).toBe(true);
  expect(needsRehash('bcrypt$…', RECOMMENDED_COST)).toBe(true);
});

test('TRUST_PROXY: off, a hop count or proxies by address; never every hop', () => {
  expect(trustProxyFrom(undefined)).toBe(false);
  expect(trustProxyFrom('false')).toBe(false);
  expect(trustProxyFrom('1')).toBe(1);
  expect(trustProxyFrom('loopback, 10.0.0.0/8,fd00::/8, 192.168.1.5')).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.168.1.5']);
  expect(() => trustProxyFrom('true')).toThrow(/true is refused/);
  for (const bad of ['proxy.lan', '10.0.0.0/33', '10.0.0.1/8/2', '::1/129']) expect(() => trustProxyFrom(bad)).toThrow(/TRUST_PROXY: .* is not a hop count/);
});
