import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemClock } from './clock';
import { BUNDLED_RUNTIME_MODULES, WORKFLOW_BUNDLE_OPTIONS } from './workflowBundleOptions';

const ROOT = path.resolve(__dirname, '..');
/** Everything webpack pulls into the workflow bundle, plus the SDK that bundles it; .js for the compiled image. */
const SOURCES = ['workflows', 'domain', 'activities'];
const SDK_MANIFEST = require.resolve('@temporalio/workflow/package.json');

/**
 * The workflow code bundled ahead of the worker, by a child process, and cached under `cacheDir` by the
 * hash of its sources. Bundling inside the worker process would leave webpack's heap (≈ 100 MB) in the
 * process for its whole life; a warm start reuses the bundle and skips the bundling altogether.
 */
export async function prebuiltWorkflowBundle(cacheDir: string): Promise<{ codePath: string }> {
  const hash = await sourceHash();
  const codePath = path.join(cacheDir, `workflows-${hash}.js`);
  if (await exists(codePath)) return { codePath };
  await mkdir(cacheDir, { recursive: true });
  const partial = `${codePath}.${process.pid}.partial`;
  await bundleInChildProcess(partial);
  await rename(partial, codePath);
  await removeStaleBundles(cacheDir);
  return { codePath };
}

/**
 * A day's grace: another process (a test, a second checkout) may be about to load an older bundle. File
 * times are the system's, so this reads the system clock, not the product's.
 */
async function removeStaleBundles(cacheDir: string): Promise<void> {
  const dayAgo = systemClock.now().getTime() - 86_400_000;
  for (const name of await readdir(cacheDir)) {
    const file = path.join(cacheDir, name);
    if (name.startsWith('workflows-') && (await stat(file)).mtimeMs < dayAgo) await rm(file, { force: true });
  }
}

/** Where tests and benchmarks keep bundles; the product keeps its own under its data directory. */
export const SHARED_BUNDLE_CACHE = path.join(tmpdir(), 'service-lane-workflow-bundles');

async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  hash.update(await readFile(SDK_MANIFEST));
  hash.update(JSON.stringify(WORKFLOW_BUNDLE_OPTIONS.preloadModules?.map((m) => path.relative(ROOT, m))));
  for (const file of BUNDLED_RUNTIME_MODULES) {
    hash.update(path.relative(ROOT, file));
    hash.update(await readFile(file));
  }
  for (const dir of SOURCES) {
    for (const file of await listFiles(path.join(ROOT, dir))) {
      hash.update(path.relative(ROOT, file));
      hash.update(await readFile(file));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : Promise.resolve(/\.(ts|js)$/.test(e.name) ? [path.join(dir, e.name)] : []))),
  );
  return nested.flat();
}

function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

/** Plain JavaScript in the child: the SDK's bundler compiles the TypeScript workflows itself. */
const BUNDLER = `
const { bundleWorkflowCode } = require('@temporalio/worker');
const { writeFileSync } = require('node:fs');
const [options, out] = process.argv.slice(1);
bundleWorkflowCode({ ...JSON.parse(options), logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error } })
  .then((bundle) => writeFileSync(out, bundle.code))
  .catch((err) => { console.error(err); process.exit(1); });
`;

function bundleInChildProcess(out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', BUNDLER, JSON.stringify(WORKFLOW_BUNDLE_OPTIONS), out], { cwd: ROOT, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bundling the workflow code failed (${code}): ${stderr.trim()}`))));
  });
}
