// Where the payload codec's keys come from: SERVICE_LANE_PAYLOAD_KEYS, or the file
// SERVICE_LANE_PAYLOAD_KEY_FILE names, as `id:base64key` entries; the first encrypts, all decrypt. On
// the embedded defaults (`npm start` with no Temporal cluster configured) a key is made once and kept in
// the data directory beside Temporal's own database, so a restarted product reads its histories.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RuntimeConfig } from './config';

export interface PayloadKey {
  id: string;
  /** 32 bytes: AES-256. */
  key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The file `npm start` keeps its own key in when nothing is configured. */
export const EMBEDDED_KEY_FILE = 'payload-keys';

/**
 * `id:base64key` entries separated by commas or new lines (a file may carry `#` comments). A refusal
 * names the entry by its id or position, never by its key.
 */
export function parsePayloadKeys(spec: string, source: string): PayloadKey[] {
  const entries = spec
    .split('\n')
    .flatMap((line) => line.replace(/#.*$/, '').split(','))
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error(`${source}: no keys; expected id:base64key[,id:base64key…]`);
  const keys = entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const encoded = entry.slice(colon + 1);
    if (!KEY_ID.test(id)) throw new Error(`${source}: entry ${i + 1} must be id:base64key with an id of letters, digits, . _ - (at most 64)`);
    if (!BASE64.test(encoded)) throw new Error(`${source}: key "${id}" is not base64`);
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== 32) throw new Error(`${source}: key "${id}" is ${key.length} bytes; AES-256 needs 32 (openssl rand -base64 32)`);
    return { id, key };
  });
  const ids = keys.map((k) => k.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated) throw new Error(`${source}: key id "${repeated}" appears twice`);
  return keys;
}

export function formatPayloadKeys(keys: readonly PayloadKey[]): string {
  return keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
}

/** A fresh key; `prefix` says where it was made, the random part keeps ids apart. */
export function newPayloadKey(prefix: string): PayloadKey {
  return { id: `${prefix}-${randomBytes(4).toString('hex')}`, key: randomBytes(32) };
}

/** The keys the environment configures, or undefined when it configures none. */
export async function configuredPayloadKeys(env: { keys?: string; keyFile?: string }): Promise<{ keys: PayloadKey[]; source: string } | undefined> {
  if (env.keys && env.keyFile) throw new Error('set SERVICE_LANE_PAYLOAD_KEYS or SERVICE_LANE_PAYLOAD_KEY_FILE, not both');
  if (env.keys) return { keys: parsePayloadKeys(env.keys, 'SERVICE_LANE_PAYLOAD_KEYS'), source: 'SERVICE_LANE_PAYLOAD_KEYS' };
  if (env.keyFile) {
    const spec = await readFile(env.keyFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new Error(`SERVICE_LANE_PAYLOAD_KEY_FILE ${env.keyFile}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
    });
    return { keys: parsePayloadKeys(spec, env.keyFile), source: env.keyFile };
  }
  return undefined;
}

/**
 * The product's keys: configured ones, else (embedded Temporal only) the data directory's own key file,
 * made on the first start with mode 0600. A real cluster without configured keys is refused: its API
 * and workers run apart and must share keys, which no process can make up for the others.
 */
export async function payloadKeysFor(config: Pick<RuntimeConfig, 'payloadKeys' | 'payloadKeyFile' | 'temporalAddress' | 'dataDir'>): Promise<{ keys: PayloadKey[]; source: string }> {
  const configured = await configuredPayloadKeys({ keys: config.payloadKeys, keyFile: config.payloadKeyFile });
  if (configured) return configured;
  if (config.temporalAddress) {
    throw new Error('TEMPORAL_ADDRESS is set but no payload keys are: set SERVICE_LANE_PAYLOAD_KEYS (or SERVICE_LANE_PAYLOAD_KEY_FILE) to the same keys on every API and worker process (README "Payload encryption")');
  }
  const file = path.join(config.dataDir, EMBEDDED_KEY_FILE);
  await mkdir(config.dataDir, { recursive: true });
  try {
    // 'wx': two starts on one data directory must not each write a key of their own.
    await writeFile(file, `# made by npm start; the first key encrypts, all decrypt (README "Payload encryption")\n${formatPayloadKeys([newPayloadKey('local')])}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // A file copied in from elsewhere may have come with wider permissions.
  await chmod(file, 0o600);
  return { keys: parsePayloadKeys(await readFile(file, 'utf8'), file), source: file };
}
