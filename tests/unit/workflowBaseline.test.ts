// Release 1.0 replays no history recorded before it: a data directory from before is refused at start
// with the steps that reset it, and a new one is marked with the baseline it was written by.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BASELINE_MARKER, checkWorkflowBaseline, UnsupportedWorkflowData, WORKFLOW_BASELINE } from '../../runtime/workflowBaseline';

const ROOT = path.join(__dirname, '../..');
const dataDir = () => path.join(mkdtempSync(path.join(tmpdir(), 'service-lane-baseline-')), 'data');

test('a new data directory is marked with the baseline that writes it', async () => {
  const dir = dataDir();
  await checkWorkflowBaseline(dir);
  expect(readFileSync(path.join(dir, BASELINE_MARKER), 'utf8').trim()).toBe(WORKFLOW_BASELINE);
  await expect(checkWorkflowBaseline(dir)).resolves.toBeUndefined();
});

test('histories without a marker are from before 1.0: refused with the reset steps', async () => {
  const dir = dataDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'temporal.db'), '');
  const refusal = checkWorkflowBaseline(dir);
  await expect(refusal).rejects.toBeInstanceOf(UnsupportedWorkflowData);
  await expect(refusal).rejects.toThrow(/from before release 1\.0[\s\S]*To start afresh[\s\S]*mv .*data .*data\.before-1\.0/);
});

test('histories of another baseline are refused too', async () => {
  const dir = dataDir();
  await checkWorkflowBaseline(dir);
  writeFileSync(path.join(dir, BASELINE_MARKER), '0.9\n');
  await expect(checkWorkflowBaseline(dir)).rejects.toThrow(/of baseline 0\.9; this code replays baseline 1\.0 only/);
});

test('npm start on a ./data from before 1.0 refuses before it starts anything, with the reset steps', () => {
  const dir = dataDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'temporal.db'), '');
  const run = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['runtime/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dir, TEMPORAL_ADDRESS: '', DATABASE_URL: '', TEMPORAL_CLI: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/from before release 1\.0[\s\S]*To start afresh:\n  1\. stop every npm start/);
  expect(existsSync(path.join(dir, 'pglite'))).toBe(false);
});
