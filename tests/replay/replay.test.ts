// Recorded histories of real runs replay against today's workflow code: a change that would break
// running lifecycles (non-determinism without workflow.patched()) fails here. The fixtures are
// Temporal's binary History protobuf; `temporal workflow show` style JSON loses type information
// across the SDK's two protobufjs copies.
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { lifecycleBundle } from '../../runtime/timeSkippingServer';

const dir = path.join(__dirname, 'histories');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.history.bin'));

test('there are recorded histories to replay', () => {
  expect(fixtures).toContain('happy-cycle.history.bin');
});

test.each(fixtures)('replays %s deterministically', async (file) => {
  const history = temporal.api.history.v1.History.decode(readFileSync(path.join(dir, file)));
  await expect(
    Worker.runReplayHistory({ workflowBundle: await lifecycleBundle() }, history, `replay-${file}`),
  ).resolves.toBeUndefined();
});
