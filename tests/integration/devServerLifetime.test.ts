// A process that ends without stopping its embedded Temporal server (an uncaught error, process.exit)
// must not leave the server running: the next `npm start` would find its port and database file taken.
import { Connection } from '@temporalio/client';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../runtime/freePort';
import { requiredTool } from '../support/tools';

async function answers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    await connection.workflowService.getSystemInfo({});
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

test('the dev server ends with the process that started it, even one that exits without stopping it', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'service-lane-orphan-'));
  const port = await freePort();
  const options = { executable: requiredTool('TEMPORAL_CLI'), dbFile: path.join(dir, 'temporal.db'), port, uiPort: 0, namespace: 'default', headless: true };
  const script = `require(${JSON.stringify(path.resolve(__dirname, '../../runtime/temporalDevServer'))})
    .startTemporalDevServer(${JSON.stringify(options)})
    .then(() => { console.log('up'); process.exit(3); });`;
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(output).toContain('up');
    expect(code).toBe(3);

    let stillAnswering = true;
    for (let i = 0; i < 30 && stillAnswering; i++) {
      stillAnswering = await answers(`127.0.0.1:${port}`);
      if (stillAnswering) await new Promise((r) => setTimeout(r, 500));
    }
    expect(stillAnswering).toBe(false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
