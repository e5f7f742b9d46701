// Recorded histories of real runs replay against today's workflow code: a change that would break
// running workflows (non-determinism without workflow.patched()) fails here. The fixtures are Temporal's
// binary History protobuf; `temporal workflow show` style JSON loses type information across the SDK's
// two protobufjs copies. Every fixture is of the `@1.0` generation, the release baseline (README,
// "Changing the workflow"), recorded sealed with the test key: the replay worker carries the product's codec.
import { defaultPayloadConverter, Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EncryptionCodec, encryptionKeyOf, payloadDataConverter } from '../../runtime/payloadCodec';
import { lifecycleBundle } from '../../runtime/timeSkippingServer';
import { TEST_PAYLOAD_KEYS } from '../support/payloadKeys';

const dir = path.join(__dirname, 'histories');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.history.bin'));
const historyOf = (file: string) => temporal.api.history.v1.History.decode(readFileSync(path.join(dir, file)));

/** Every payload of a history, but the search attributes' (never run through a codec: the server indexes them). */
function payloadsIn(value: unknown, out: Payload[] = []): Payload[] {
  if (Array.isArray(value)) value.forEach((v) => payloadsIn(v, out));
  else if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    if ((value as Payload).metadata?.encoding instanceof Uint8Array) out.push(value as Payload);
    else for (const [k, v] of Object.entries(value)) if (k !== 'searchAttributes') payloadsIn(v, out);
  }
  return out;
}

test('there are recorded histories to replay, all of the 1.0 generation', () => {
  expect(fixtures).toContain('branch-LSVCANCEL00000001@1.0.history.bin');
  expect(fixtures).toEqual(expect.arrayContaining(['happy-cycle-with-arrival-steps@1.0.history.bin', 'care-LSVCARE7DC0000001@1.0.history.bin', 'ticket-LSVFAILURED000001@1.0.history.bin', 'first-cycle-over-api-with-recovery@1.0.history.bin', 'report-delivery@1.0.history.bin']));
  expect(fixtures.filter((f) => !f.endsWith('@1.0.history.bin'))).toEqual([]);
});

test.each(fixtures)('replays %s deterministically', async (file) => {
  await expect(
    Worker.runReplayHistory({ workflowBundle: await lifecycleBundle(), dataConverter: payloadDataConverter(TEST_PAYLOAD_KEYS) }, historyOf(file), `replay-${file}`),
  ).resolves.toBeUndefined();
});

test.each(fixtures)('%s stores every payload sealed with the test key, and no customer in clear', async (file) => {
  const history = historyOf(file);
  const payloads = payloadsIn(history.events);
  expect(payloads.length).toBeGreaterThan(0);
  expect([...new Set(payloads.map(encryptionKeyOf))]).toEqual([TEST_PAYLOAD_KEYS[0].id]);
  const started = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads!;
  const [input] = await new EncryptionCodec(TEST_PAYLOAD_KEYS).decode(started);
  const { customer } = defaultPayloadConverter.fromPayload<{ customer?: { name: string; phone: string } }>(input);
  const stored = readFileSync(path.join(dir, file));
  for (const secret of customer ? [customer.name, customer.phone] : []) expect(stored.includes(Buffer.from(secret))).toBe(false);
});

test('an encrypted history does not replay without the key', async () => {
  await expect(Worker.runReplayHistory({ workflowBundle: await lifecycleBundle() }, historyOf(fixtures[0]), 'replay-without-key')).rejects.toThrow(/Unknown encoding: binary\/encrypted/);
});
