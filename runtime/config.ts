import { isIP } from 'node:net';
import path from 'node:path';
import { temporalConnectionFrom, TemporalConnectionOptions, temporalUiUrlFor } from './temporalConnection';

/** Everything the product reads from its environment, with the embedded defaults `npm start` runs on. */
export interface RuntimeConfig {
  dataDir: string;
  apiPort: number;
  /** A real PostgreSQL; unset means the embedded database under dataDir. */
  databaseUrl?: string;
  /** An existing Temporal cluster; unset means the embedded dev server under dataDir. */
  temporalAddress?: string;
  temporalNamespace: string;
  temporalPort: number;
  temporalUiPort: number;
  temporalUiUrl?: string;
  /**
   * Browser origins of the Temporal web UI whose pages may call the codec endpoint with a signed-in
   * person's cookie. The UI's origin is whichever host name was typed, so both loopback names by default.
   */
  temporalUiOrigins: string[];
  /** SERVICE_LANE_PAYLOAD_KEYS as given; runtime/payloadKeys.ts reads it. */
  payloadKeys?: string;
  payloadKeyFile?: string;
  /** TLS and API key for TEMPORAL_ADDRESS (runtime/temporalConnection.ts); plain for the embedded dev server. */
  temporalConnection: TemporalConnectionOptions;
  /** Express's `trust proxy`: which hops' X-Forwarded-For / -Proto to believe (TRUST_PROXY). */
  trustProxy: TrustProxy;
}

/** No proxy (the client's own address), a count of proxies in front, or the proxies' addresses. */
export type TrustProxy = false | number | string[];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: unset or `false`, a hop count (`1` behind one TLS proxy), or comma-separated addresses,
 * CIDR ranges and Express's names (`loopback`, `linklocal`, `uniquelocal`). Never `true`: trusting every
 * hop would let any client name its own address in X-Forwarded-For and so escape the sign-in limit.
 */
export function trustProxyFrom(raw: string | undefined): TrustProxy {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((e) => e.trim());
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address);
    const prefixOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!PROXY_NAMES.has(entry) && (family === 0 || !prefixOk || extra !== undefined)) {
      throw new Error(`TRUST_PROXY: ${entry} is not a hop count, an address, a CIDR range or one of loopback, linklocal, uniquelocal${value === 'true' ? ' (true is refused: it would believe any client about its own address)' : ''}`);
    }
  }
  return entries;
}

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${name} must be a TCP port, got ${raw}`);
  return value;
}

function originOf(value: string, name: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // Refused below, with what was expected.
  }
  if (!url || !/^https?:$/.test(url.protocol)) throw new Error(`${name}: ${value} is not an http(s) address like http://127.0.0.1:8233`);
  return url.origin;
}

function temporalUiOrigins(uiPort: number, uiUrl: string | undefined): string[] {
  const listed = process.env.TEMPORAL_UI_ORIGINS;
  if (listed) {
    return listed.split(',').map((entry) => {
      const origin = entry.trim();
      if (originOf(origin, 'TEMPORAL_UI_ORIGINS') !== origin) throw new Error(`TEMPORAL_UI_ORIGINS: ${origin} is not an origin (scheme, host and port only, e.g. http://127.0.0.1:8233)`);
      return origin;
    });
  }
  return uiUrl ? [originOf(uiUrl, 'TEMPORAL_UI_URL')] : [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`];
}

export function loadConfig(): RuntimeConfig {
  const temporalUiPort = port('TEMPORAL_UI_PORT', 8233);
  const temporalAddress = process.env.TEMPORAL_ADDRESS || undefined;
  // The embedded dev server's UI is known once it runs; a cluster's is configured or derived from its address.
  const temporalUiUrl = temporalAddress ? temporalUiUrlFor(temporalAddress, process.env.TEMPORAL_UI_URL || undefined) : process.env.TEMPORAL_UI_URL || undefined;
  return {
    dataDir: path.resolve(process.env.DATA_DIR ?? 'data'),
    apiPort: port('PORT', 3000),
    databaseUrl: process.env.DATABASE_URL || undefined,
    temporalAddress,
    temporalNamespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    temporalPort: port('TEMPORAL_PORT', 7233),
    temporalUiPort,
    temporalUiUrl,
    temporalUiOrigins: temporalUiOrigins(temporalUiPort, temporalUiUrl),
    temporalConnection: temporalAddress ? temporalConnectionFrom(process.env) : { tls: false },
    payloadKeys: process.env.SERVICE_LANE_PAYLOAD_KEYS || undefined,
    payloadKeyFile: process.env.SERVICE_LANE_PAYLOAD_KEY_FILE || undefined,
    trustProxy: trustProxyFrom(process.env.TRUST_PROXY),
  };
}
