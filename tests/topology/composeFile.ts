// docker-compose.yml and the Dockerfile read the way Docker would read them, so the topology test runs what
// they say rather than a copy of it: each service's command, environment and files, with compose's
// variable interpolation.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const ROOT = path.resolve(__dirname, '../..');

interface RawService {
  image?: string;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null>;
  configs?: Array<{ source: string; target: string }>;
  stop_grace_period?: string;
}

interface RawCompose {
  services: Record<string, RawService>;
  configs?: Record<string, { content?: string }>;
}

export interface ComposeService {
  name: string;
  image: string;
  /** entrypoint then command, as compose joins them; empty when the image's own CMD runs. */
  argv: string[];
  env: Record<string, string>;
  /** Files compose puts into the container: target path → content. */
  files: Record<string, string>;
  /** How long compose waits after SIGTERM before it kills the container, e.g. `60s`. */
  stopGracePeriod?: string;
}

const words = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Compose's interpolation with `variables` as the operator's environment: `${X:-d}`, `${X-d}`, `${X:?msg}`,
 * `$X` and `$$` for a literal dollar.
 */
export function interpolate(text: string, variables: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, name?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
    if (match === '$$') return '$';
    const key = name ?? bare!;
    const value = variables[key];
    const missing = value === undefined || (colon === ':' && value === '');
    if (!op) return value ?? '';
    if (op === '-') return missing ? (arg ?? '') : value;
    if (missing) throw new Error(`docker-compose.yml needs ${key}: ${arg}`);
    return value;
  });
}

/** Every service of docker-compose.yml as the given operator environment would start it. */
export function readCompose(variables: Record<string, string>): Record<string, ComposeService> {
  const raw = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as RawCompose;
  const configs = raw.configs ?? {};
  return Object.fromEntries(
    Object.entries(raw.services).map(([name, service]) => {
      const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(String(value ?? ''), variables)]));
      const files = Object.fromEntries(
        (service.configs ?? []).map((config) => {
          const content = configs[config.source]?.content;
          if (content === undefined) throw new Error(`${name}: config ${config.source} has no inline content`);
          return [config.target, interpolate(content, variables)];
        }),
      );
      const argv = [...words(service.entrypoint), ...words(service.command)].map((word) => interpolate(word, variables));
      return [name, { name, image: interpolate(service.image ?? '', variables), argv, env, files, stopGracePeriod: service.stop_grace_period }];
    }),
  );
}

export interface ImageSpec {
  cmd: string[];
  env: Record<string, string>;
  user: string;
}

/** The final stage of the Dockerfile: what a container of the app image runs, as whom, with which ENV. */
export function readImage(): ImageSpec {
  const lines = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const finalStage = lines.slice(lines.map((line) => line.split(/\s+/)[0].toUpperCase()).lastIndexOf('FROM'));
  const spec: ImageSpec = { cmd: [], env: {}, user: 'root' };
  for (const line of finalStage) {
    const [keyword, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    switch (keyword.toUpperCase()) {
      case 'CMD':
        spec.cmd = JSON.parse(args) as string[];
        break;
      case 'ENV':
        for (const [, key, value] of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) spec.env[key] = value.replace(/^"|"$/g, '');
        break;
      case 'USER':
        spec.user = args;
        break;
    }
  }
  return spec;
}
