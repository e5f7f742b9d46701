// The Temporal connection from the environment (TLS, mTLS, API key), and the links to Temporal's web UI.
import { loadConfig } from '../../runtime/config';
import { describeConnection, temporalConnectionFrom, temporalUiUrlFor, temporalWorkflowLink } from '../../runtime/temporalConnection';

const files: Record<string, string> = { '/etc/temporal/client.pem': 'CLIENT CERT', '/etc/temporal/client.key': 'CLIENT KEY', '/etc/temporal/ca.pem': 'PRIVATE CA' };
const read = (path: string): Buffer => {
  if (!(path in files)) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return Buffer.from(files[path]);
};

test('nothing set: plain gRPC, no key', () => {
  expect(temporalConnectionFrom({}, read)).toEqual({ tls: false });
});

test('an API key turns TLS on with the system CAs (Temporal Cloud), unless TEMPORAL_TLS=false says otherwise', () => {
  const cloud = temporalConnectionFrom({ TEMPORAL_API_KEY: ' key-123 ' }, read);
  expect(cloud).toEqual({ tls: {}, apiKey: 'key-123' });
  expect(describeConnection(cloud)).toBe('TLS, API key');
  expect(temporalConnectionFrom({ TEMPORAL_API_KEY: 'key-123', TEMPORAL_TLS: 'false' }, read)).toEqual({ tls: false, apiKey: 'key-123' });
  expect(temporalConnectionFrom({ TEMPORAL_TLS: 'true' }, read)).toEqual({ tls: {} });
});

test('mTLS from files, a private CA and a server name', () => {
  const options = temporalConnectionFrom(
    { TEMPORAL_TLS_CLIENT_CERT_PATH: '/etc/temporal/client.pem', TEMPORAL_TLS_CLIENT_KEY_PATH: '/etc/temporal/client.key', TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/etc/temporal/ca.pem', TEMPORAL_TLS_SERVER_NAME: 'temporal.dealer.internal' },
    read,
  );
  expect(options).toEqual({
    tls: { serverNameOverride: 'temporal.dealer.internal', serverRootCACertificate: Buffer.from('PRIVATE CA'), clientCertPair: { crt: Buffer.from('CLIENT CERT'), key: Buffer.from('CLIENT KEY') } },
  });
  expect(describeConnection(options)).toBe('mTLS, own CA');
});

test('PEM given inline (_DATA) instead of a path', () => {
  expect(temporalConnectionFrom({ TEMPORAL_TLS_SERVER_CA_CERT_DATA: '-----BEGIN CERTIFICATE-----' }, read)).toEqual({ tls: { serverRootCACertificate: Buffer.from('-----BEGIN CERTIFICATE-----') } });
});

test('contradictory or incomplete settings stop the start with what is wrong', () => {
  expect(() => temporalConnectionFrom({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/etc/temporal/client.pem' }, read)).toThrow(/go together/);
  expect(() => temporalConnectionFrom({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/nowhere/ca.pem' }, read)).toThrow('TEMPORAL_TLS_SERVER_CA_CERT_PATH: cannot read /nowhere/ca.pem (ENOENT)');
  expect(() => temporalConnectionFrom({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/etc/temporal/ca.pem', TEMPORAL_TLS_SERVER_CA_CERT_DATA: 'x' }, read)).toThrow(/both set/);
  expect(() => temporalConnectionFrom({ TEMPORAL_TLS: 'yes' }, read)).toThrow('TEMPORAL_TLS must be true or false, got yes');
  expect(() => temporalConnectionFrom({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_SERVER_NAME: 'x' }, read)).toThrow(/TEMPORAL_TLS=false, yet/);
  expect(() => temporalConnectionFrom({ TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'true' }, read)).toThrow(/not supported/);
});

test("the Temporal UI: configured, Temporal Cloud's for a Cloud address, else the cluster's host", () => {
  expect(temporalUiUrlFor('temporal:7233', 'https://temporal.dealer.example/')).toBe('https://temporal.dealer.example');
  expect(temporalUiUrlFor('service-lane.a1b2c.tmprl.cloud:7233')).toBe('https://cloud.temporal.io');
  expect(temporalUiUrlFor('ap-northeast-1.aws.api.temporal.io:7233')).toBe('https://cloud.temporal.io');
  expect(temporalUiUrlFor('temporal.dealer.internal:7233')).toBe('http://temporal.dealer.internal:8080');
  expect(temporalUiUrlFor('[fd00::5]:7233')).toBe('http://[fd00::5]:8080');
});

test("a workflow's link names the configured namespace", () => {
  expect(temporalWorkflowLink('https://cloud.temporal.io/', 'service-lane.a1b2c', 'vehicle-LSVDEMA0000000001')).toBe('https://cloud.temporal.io/namespaces/service-lane.a1b2c/workflows/vehicle-LSVDEMA0000000001');
  expect(temporalWorkflowLink('http://127.0.0.1:8233', 'store a', 'care-X')).toBe('http://127.0.0.1:8233/namespaces/store%20a/workflows/care-X');
});

test('loadConfig: TLS, the API key and the UI follow TEMPORAL_ADDRESS; the embedded dev server is reached in plain', () => {
  const saved = { ...process.env };
  try {
    for (const name of Object.keys(process.env).filter((n) => n.startsWith('TEMPORAL_'))) delete process.env[name];
    process.env.TEMPORAL_API_KEY = 'key-123';
    expect(loadConfig()).toMatchObject({ temporalConnection: { tls: false }, temporalUiUrl: undefined, temporalUiOrigins: ['http://127.0.0.1:8233', 'http://localhost:8233'] });
    process.env.TEMPORAL_ADDRESS = 'service-lane.a1b2c.tmprl.cloud:7233';
    process.env.TEMPORAL_NAMESPACE = 'service-lane.a1b2c';
    expect(loadConfig()).toMatchObject({ temporalConnection: { tls: {}, apiKey: 'key-123' }, temporalNamespace: 'service-lane.a1b2c', temporalUiUrl: 'https://cloud.temporal.io', temporalUiOrigins: ['https://cloud.temporal.io'] });
  } finally {
    process.env = saved;
  }
});
