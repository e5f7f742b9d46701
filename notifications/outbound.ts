// Outbound safety for every channel: a store's configuration names hosts the server will call, so a URL
// must not become a way into the dealership's LAN, the server itself or the cloud's metadata service.
// The host is resolved, every address it resolves to is checked, and the connection goes to the checked
// address (no second lookup a rebinding name could answer differently). Operators allow private
// destinations — a store's mail relay on its LAN, the tests' stand-ins on loopback — by listing them.
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';

/** The destination is refused: the reason is for the person configuring the channel. */
export class OutboundRefusedError extends Error {}

const NOT_PUBLIC: ReadonlyArray<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT; Alibaba Cloud's metadata service 100.100.100.200 sits here
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], // link-local, with the AWS/Tencent metadata services
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'], // NAT64, the same
  ['100::', 64, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['fc00::', 7, 'ipv6'], // unique-local
  ['fe80::', 10, 'ipv6'], // link-local
  ['fec0::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];
// IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) need no rule of their own: BlockList checks them
// against the IPv4 rules (and an IPv6 rule for ::ffff:0:0/96 would match every IPv4 address).
const notPublic = new BlockList();
for (const [net, prefix, type] of NOT_PUBLIC) notPublic.addSubnet(net, prefix, type);

/** Cloud metadata services: never a channel, whatever the allowlist says (they hand out credentials). */
const METADATA = new Set(['169.254.169.254', '169.254.170.2', '169.254.0.23', '100.100.100.200', 'fd00:ec2::254']);

function family(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

export interface OutboundAllowlist {
  hosts: Set<string>;
  addresses: BlockList;
}

/** `OUTBOUND_ALLOWED_HOSTS`: comma-separated host names, addresses and CIDR ranges. */
export function allowlistFrom(env: NodeJS.ProcessEnv = process.env): OutboundAllowlist {
  const hosts = new Set<string>();
  const addresses = new BlockList();
  for (const entry of (env.OUTBOUND_ALLOWED_HOSTS ?? '').split(',').map((e) => e.trim().toLowerCase()).filter(Boolean)) {
    const [net, prefix] = entry.split('/');
    if (isIP(net) && prefix !== undefined && /^\d+$/.test(prefix)) addresses.addSubnet(net, Number(prefix), family(net));
    else if (isIP(net)) addresses.addAddress(net, family(net));
    else hosts.add(entry);
  }
  return { hosts, addresses };
}

export interface Destination {
  hostname: string;
  address: string;
  family: 4 | 6;
  /** Allowlisted by the operator: private addresses and plain http / smtp are accepted. */
  allowlisted: boolean;
}

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;
const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Resolves the URL's host and checks every address it gives (a name with one public and one private
 * address is refused, as the connection could go to either).
 */
export async function checkDestination(url: URL, options: { allowlist?: OutboundAllowlist; resolve?: Resolver } = {}): Promise<Destination> {
  const allowlist = options.allowlist ?? allowlistFrom();
  const hostname = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (!hostname) throw new OutboundRefusedError('the URL has no host');
  let resolved: Array<{ address: string; family: number }>;
  try {
    resolved = isIP(hostname) ? [{ address: hostname, family: isIP(hostname) }] : await (options.resolve ?? systemResolver)(hostname);
  } catch {
    throw new OutboundRefusedError(`host ${hostname} does not resolve`);
  }
  if (resolved.length === 0) throw new OutboundRefusedError(`host ${hostname} does not resolve`);
  const hostAllowed = allowlist.hosts.has(hostname);
  let allowlisted = true;
  for (const { address } of resolved) {
    if (METADATA.has(address.toLowerCase())) throw new OutboundRefusedError(`host ${hostname} resolves to a cloud metadata address`);
    const listed = hostAllowed || allowlist.addresses.check(address, family(address));
    allowlisted &&= listed;
    if (!listed && notPublic.check(address, family(address))) {
      throw new OutboundRefusedError(`host ${hostname} resolves to a private, loopback or link-local address; allow it with OUTBOUND_ALLOWED_HOSTS`);
    }
  }
  const first = resolved[0];
  return { hostname, address: first.address, family: first.family === 6 ? 6 : 4, allowlisted };
}

/** HTTP channels: https, or plain http to an allowlisted destination. */
export async function checkHttpDestination(raw: string, options?: { allowlist?: OutboundAllowlist; resolve?: Resolver }): Promise<Destination> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefusedError('not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OutboundRefusedError(`${url.protocol} is not an HTTP channel; use https://`);
  const destination = await checkDestination(url, options);
  if (url.protocol === 'http:' && !destination.allowlisted) throw new OutboundRefusedError('plain http is refused; use https://');
  return destination;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

/** The answer's body is read up to this much: an answer is a small JSON object, never a download. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * One HTTP call to a checked, pinned destination. A redirect is a failure (following it would go to a host
 * nobody checked); failures carry the status and a classification, never the remote body.
 */
export async function outboundRequest(
  raw: string,
  init: { method: string; headers: Record<string, string>; body?: string; timeoutMs?: number },
  options?: { allowlist?: OutboundAllowlist; resolve?: Resolver },
): Promise<HttpAnswer> {
  const destination = await checkHttpDestination(raw, options);
  const url = new URL(raw);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const pinned = (_host: string, opts: { all?: boolean }, callback: (...args: unknown[]) => void) =>
    opts.all ? callback(null, [{ address: destination.address, family: destination.family }]) : callback(null, destination.address, destination.family);
  const answer = await new Promise<HttpAnswer>((resolve, reject) => {
    const req = send(url, { method: init.method, headers: init.headers, lookup: pinned as never, timeout: init.timeoutMs ?? 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) res.destroy();
        else chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => reject(new Error(`connection to ${destination.hostname} broke off`)));
      res.on('close', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => reject(new Error(`no answer from ${destination.hostname} (${err.code ?? err.message})`)));
    req.end(init.body);
  });
  if (answer.status >= 300 && answer.status < 400) throw new Error(`${destination.hostname} answered with a redirect (HTTP ${answer.status}); redirects are not followed`);
  return answer;
}

const SECRET_PARAM = /^(key|access_?token|token|secret|sign|signature|password|passwd|pwd|api_?key|access_?key.*|secret_?key.*|auth.*|credential.*|sig)$/i;

/** A URL as it may be shown: password in the userinfo and secret-looking query parameters masked. */
export function maskUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  }
  if (url.password) url.password = '***';
  for (const name of [...url.searchParams.keys()]) if (SECRET_PARAM.test(name)) url.searchParams.set(name, '***');
  return url.toString().replace(/%2A%2A%2A/g, '***');
}
