// Recorded histories of real runs replay against today's workflow code: a change that would break
// running lifecycles (non-determinism without workflow.patched()) fails here. The fixtures are
// Temporal's binary History protobuf; `temporal workflow show` style JSON loses type information
// across the SDK's two protobufjs copies. Fixtures recorded before payload encryption hold their
// payloads in clear, the `@encrypted` generation sealed with the test key: the replay worker carries
// the product's codec, which reads both, as a worker does with lifecycles started before the upgrade.
// The `@g7` generation (sealed too) replaced every fixture whose cycle reached the workshop or a service
// recovery when the pickup notice began to wait for the 80% check (R14 before R15), before any store ran it.
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
const encrypted = fixtures.filter((f) => f.includes('@encrypted.') || f.includes('@g7.'));
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

test('there are recorded histories to replay, in clear and encrypted', () => {
  expect(fixtures).toContain('branch-LSVCANCEL00000001.history.bin');
  expect(encrypted).toEqual(expect.arrayContaining(['happy-cycle-with-arrival-steps@g7.history.bin', 'care-LSVCARE7DC0000001@encrypted.history.bin', 'ticket-LSVFAILURED000001@encrypted.history.bin', 'first-cycle-over-api-with-recovery@g7.history.bin']));
});

test.each(fixtures)('replays %s deterministically', async (file) => {
  await expect(
    Worker.runReplayHistory({ workflowBundle: await lifecycleBundle(), dataConverter: payloadDataConverter(TEST_PAYLOAD_KEYS) }, historyOf(file), `replay-${file}`),
  ).resolves.toBeUndefined();
});

test.each(encrypted)('%s stores every payload sealed with the test key, and no customer in clear', async (file) => {
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
  await expect(Worker.runReplayHistory({ workflowBundle: await lifecycleBundle() }, historyOf(encrypted[0]), 'replay-without-key')).rejects.toThrow(/Unknown encoding: binary\/encrypted/);
});
