// The worker serves no API, so its container's health check asks this endpoint instead: healthy only
// while the Temporal worker is RUNNING (not while it starts, drains or after it failed).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export async function serveWorkerHealth(state: () => string, port: number, host = '0.0.0.0'): Promise<{ port: number; stop: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const current = state();
    const ok = req.url === '/healthz' && current === 'RUNNING';
    res.writeHead(req.url === '/healthz' ? (ok ? 200 : 503) : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok, worker: current }));
  });
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject).listen(port, host));
  return { port: (server.address() as AddressInfo).port, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
