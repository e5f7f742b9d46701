// The benchmarks act as demo staff: one bearer token per person and API, signed in once.
import { DEMO_PASSWORD } from '../runtime/demoStore';

const tokens = new Map<string, Promise<string>>();

export function benchAuthorization(apiUrl: string, staffId: string): Promise<string> {
  const key = `${apiUrl} ${staffId}`;
  let token = tokens.get(key);
  if (!token) {
    token = fetch(`${apiUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ staffId, password: DEMO_PASSWORD }) }).then(async (res) => {
      if (res.status !== 201) throw new Error(`bench sign-in of ${staffId}: ${res.status} ${await res.text()}`);
      return `Bearer ${((await res.json()) as { token: string }).token}`;
    });
    tokens.set(key, token);
  }
  return token;
}
