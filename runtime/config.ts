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
}

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${name} must be a TCP port, got ${raw}`);
  return value;
}

export function loadConfig(): RuntimeConfig {
  return {
    dataDir: path.resolve(process.env.DATA_DIR ?? 'data'),
    apiPort: port('PORT', 3000),
    databaseUrl: process.env.DATABASE_URL || undefined,
    temporalAddress: process.env.TEMPORAL_ADDRESS || undefined,
    temporalNamespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    temporalPort: port('TEMPORAL_PORT', 7233),
    temporalUiPort: port('TEMPORAL_UI_PORT', 8233),
    temporalUiUrl: process.env.TEMPORAL_UI_URL || undefined,
  };
}
