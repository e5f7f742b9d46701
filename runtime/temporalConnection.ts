// How the API's client and the workers reach a Temporal cluster of the dealership's or Temporal Cloud:
// TLS (with a client certificate for mTLS, a private CA, a server name) and an API key, from the
// environment variables Temporal's own client environment configuration reads, so the settings an
// operator already has for the `temporal` CLI work here too. The embedded dev server is reached in plain.
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';

/** What Connection.connect and NativeConnection.connect take besides the address. */
export interface TemporalConnectionOptions {
  /** False: plain gRPC. A TLSConfig (possibly empty: the system's CAs, the address's host name): TLS. */
  tls: TLSConfig | false;
  apiKey?: string;
}

type Env = Record<string, string | undefined>;

/** Either NAME_PATH (a file) or NAME_DATA (the PEM itself), not both. */
function pem(env: Env, name: string, read: (path: string) => Buffer): Buffer | undefined {
  const file = env[`${name}_PATH`] || undefined;
  const data = env[`${name}_DATA`] || undefined;
  if (file && data) throw new Error(`${name}_PATH and ${name}_DATA are both set: give one`);
  if (data) return Buffer.from(data);
  if (!file) return undefined;
  try {
    return read(file);
  } catch (err) {
    throw new Error(`${name}_PATH: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function flag(env: Env, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`${name} must be true or false, got ${env[name]}`);
}

/**
 * TEMPORAL_API_KEY; TEMPORAL_TLS (true/false); TEMPORAL_TLS_CLIENT_CERT_PATH|_DATA with
 * TEMPORAL_TLS_CLIENT_KEY_PATH|_DATA (mTLS); TEMPORAL_TLS_SERVER_CA_CERT_PATH|_DATA; TEMPORAL_TLS_SERVER_NAME.
 * As in Temporal's environment configuration, an API key or any TLS setting turns TLS on unless
 * TEMPORAL_TLS=false says otherwise.
 */
export function temporalConnectionFrom(env: Env, read: (path: string) => Buffer = (p) => readFileSync(p)): TemporalConnectionOptions {
  const apiKey = env.TEMPORAL_API_KEY?.trim() || undefined;
  if (flag(env, 'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION')) throw new Error('TEMPORAL_TLS_DISABLE_HOST_VERIFICATION is not supported: give the server CA (TEMPORAL_TLS_SERVER_CA_CERT_PATH) or its name (TEMPORAL_TLS_SERVER_NAME) instead');
  const crt = pem(env, 'TEMPORAL_TLS_CLIENT_CERT', read);
  const key = pem(env, 'TEMPORAL_TLS_CLIENT_KEY', read);
  if (Boolean(crt) !== Boolean(key)) throw new Error('TEMPORAL_TLS_CLIENT_CERT_* and TEMPORAL_TLS_CLIENT_KEY_* go together: mTLS needs the certificate and its key');
  const ca = pem(env, 'TEMPORAL_TLS_SERVER_CA_CERT', read);
  const serverName = env.TEMPORAL_TLS_SERVER_NAME?.trim() || undefined;
  const tls: TLSConfig = {
    ...(serverName ? { serverNameOverride: serverName } : {}),
    ...(ca ? { serverRootCACertificate: ca } : {}),
    ...(crt && key ? { clientCertPair: { crt, key } } : {}),
  };
  const enabled = flag(env, 'TEMPORAL_TLS') ?? (apiKey !== undefined || Object.keys(tls).length > 0);
  if (!enabled && Object.keys(tls).length > 0) throw new Error('TEMPORAL_TLS=false, yet TLS certificates or a server name are set');
  return { tls: enabled ? tls : false, ...(apiKey ? { apiKey } : {}) };
}

/** For the start-up banner: how the connection is secured, never a secret. */
export function describeConnection(options: TemporalConnectionOptions): string {
  const parts = [options.tls === false ? 'plain gRPC' : options.tls.clientCertPair ? 'mTLS' : 'TLS'];
  if (options.tls && options.tls.serverRootCACertificate) parts.push('own CA');
  if (options.apiKey) parts.push('API key');
  return parts.join(', ');
}

/**
 * Where pages link to Temporal's web UI for a cluster the product was pointed at: TEMPORAL_UI_URL when
 * given; Temporal Cloud's UI for a Cloud address (`<namespace>.<account>.tmprl.cloud`, `<region>.<cloud>.api.temporal.io`);
 * else the cluster's host on the temporalio/ui image's port 8080.
 */
export function temporalUiUrlFor(address: string, configured?: string): string {
  if (configured) return configured.replace(/\/$/, '');
  const host = address.replace(/^[a-z]+:\/\//i, '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  if (/\.tmprl\.cloud$|\.api\.temporal\.io$/i.test(host)) return 'https://cloud.temporal.io';
  return `http://${host.includes(':') ? `[${host}]` : host}:8080`;
}

/** A workflow's page in Temporal's web UI, in the configured namespace. */
export function temporalWorkflowLink(uiUrl: string, namespace: string, workflowId: string): string {
  return `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
