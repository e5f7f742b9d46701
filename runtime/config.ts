import path from 'node:path';

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

function temporalUiOrigins(uiPort: number): string[] {
  const listed = process.env.TEMPORAL_UI_ORIGINS;
  if (listed) {
    return listed.split(',').map((entry) => {
      const origin = entry.trim();
      if (originOf(origin, 'TEMPORAL_UI_ORIGINS') !== origin) throw new Error(`TEMPORAL_UI_ORIGINS: ${origin} is not an origin (scheme, host and port only, e.g. http://127.0.0.1:8233)`);
      return origin;
    });
  }
  const uiUrl = process.env.TEMPORAL_UI_URL;
  return uiUrl ? [originOf(uiUrl, 'TEMPORAL_UI_URL')] : [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`];
}

export function loadConfig(): RuntimeConfig {
  const temporalUiPort = port('TEMPORAL_UI_PORT', 8233);
  return {
    dataDir: path.resolve(process.env.DATA_DIR ?? 'data'),
    apiPort: port('PORT', 3000),
    databaseUrl: process.env.DATABASE_URL || undefined,
    temporalAddress: process.env.TEMPORAL_ADDRESS || undefined,
    temporalNamespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    temporalPort: port('TEMPORAL_PORT', 7233),
    temporalUiPort,
    temporalUiUrl: process.env.TEMPORAL_UI_URL || undefined,
    temporalUiOrigins: temporalUiOrigins(temporalUiPort),
    payloadKeys: process.env.SERVICE_LANE_PAYLOAD_KEYS || undefined,
    payloadKeyFile: process.env.SERVICE_LANE_PAYLOAD_KEY_FILE || undefined,
  };
}
