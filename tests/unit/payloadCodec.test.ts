// Issue 18: the payload codec (AES-256-GCM, key id in the metadata, rotation) and where its keys come from.
import { defaultPayloadConverter, Payload } from '@temporalio/common';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ENCRYPTED_ENCODING, EncryptionCodec, encryptionKeyOf, KEY_ID_METADATA, payloadDataConverter, PayloadDecryptionError } from '../../runtime/payloadCodec';
import { configuredPayloadKeys, EMBEDDED_KEY_FILE, formatPayloadKeys, newPayloadKey, parsePayloadKeys, payloadKeysFor } from '../../runtime/payloadKeys';
import { rawHistoryEvents } from '../../web/temporalHistory';

const A = newPayloadKey('a');
const B = newPayloadKey('b');
const customer = { name: '王先生', phone: '13800000000' };
const plain = (value: unknown) => defaultPayloadConverter.toPayload(value);
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe('the codec', () => {
  const codec = new EncryptionCodec([A]);

  test('round trip: the original payload, metadata and all, comes back; nothing of it shows in the sealed one', async () => {
    const originals = [plain({ customer }), plain(undefined), plain('苏F12345')];
    const sealed = await codec.encode(originals);
    expect(sealed.map((p) => [text(p.metadata?.encoding), text(p.metadata?.[KEY_ID_METADATA])])).toEqual(originals.map(() => [ENCRYPTED_ENCODING, A.id]));
    const bytes = Buffer.from(temporal.api.common.v1.Payloads.encode({ payloads: sealed }).finish());
    for (const secret of ['13800000000', '王先生', '苏F12345', 'json/plain']) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    const back = await codec.decode(sealed);
    expect(back.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([{ customer }, undefined, '苏F12345']);
    expect(back.map((p) => text(p.metadata?.encoding))).toEqual(['json/plain', 'binary/null', 'json/plain']);
  });

  test('a fresh IV each time: the same value never seals to the same bytes', async () => {
    const [one, two] = await codec.encode([plain({ customer }), plain({ customer })]);
    expect(Buffer.from(one.data!).equals(Buffer.from(two.data!))).toBe(false);
    expect(Buffer.from(one.data!).subarray(0, 12).equals(Buffer.from(two.data!).subarray(0, 12))).toBe(false);
  });

  test('tampered ciphertext is refused, never decoded into something else', async () => {
    const [sealed] = await codec.encode([plain({ customer })]);
    for (const at of [0, 20, sealed.data!.length - 1]) {
      const data = Buffer.from(sealed.data!);
      data[at] ^= 0x01;
      await expect(codec.decode([{ ...sealed, data }])).rejects.toThrow(new PayloadDecryptionError(`encrypted payload does not authenticate with key "${A.id}": it was altered, or sealed with another key under that id`));
    }
    await expect(codec.decode([{ ...sealed, data: Buffer.from(sealed.data!).subarray(0, 20) }])).rejects.toThrow(/too short/);
  });

  test('an unknown key id is refused with the ids this process has', async () => {
    const [sealed] = await new EncryptionCodec([B]).encode([plain({ customer })]);
    await expect(codec.decode([sealed])).rejects.toThrow(`payload encrypted with key "${B.id}", which is not configured (keys here: ${A.id}); add it to SERVICE_LANE_PAYLOAD_KEYS`);
    // The same bytes under another key's id do not authenticate either.
    await expect(codec.decode([{ ...sealed, metadata: { ...sealed.metadata, [KEY_ID_METADATA]: Buffer.from(A.id) } }])).rejects.toThrow(/does not authenticate/);
  });

  test('payloads stored before encryption pass through unchanged', async () => {
    const old: Payload[] = [plain({ customer }), plain(undefined), { metadata: { encoding: Buffer.from('binary/plain') }, data: Buffer.from([1, 2, 3]) }];
    expect(await codec.decode(old)).toEqual(old);
    expect(old.map(encryptionKeyOf)).toEqual([undefined, undefined, undefined]);
  });

  test('rotation: B,A encrypts with B and still reads A; A alone cannot read B', async () => {
    const [underA] = await new EncryptionCodec([A]).encode([plain({ customer })]);
    const rotated = new EncryptionCodec([B, A]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([underA]))[0])).toEqual({ customer });
    const [underB] = await rotated.encode([plain({ customer })]);
    expect(encryptionKeyOf(underB)).toBe(B.id);
    await expect(new EncryptionCodec([A]).decode([underB])).rejects.toThrow(PayloadDecryptionError);
  });

  test('the data converter the SDK loads from payloadDataConverter encrypts and decrypts', async () => {
    const loaded = loadDataConverter(payloadDataConverter([A]));
    const [sealed] = await loaded.payloadCodecs[0].encode([loaded.payloadConverter.toPayload({ customer })]);
    expect(encryptionKeyOf(sealed)).toBe(A.id);
    expect(loaded.payloadConverter.fromPayload((await loaded.payloadCodecs[0].decode([sealed]))[0])).toEqual({ customer });
  });
});

describe('keys', () => {
  const base64 = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');

  test('id:base64key entries, by comma or line, comments ignored; the first is the one that encrypts', () => {
    const keys = parsePayloadKeys(`# rotated 2026-12\nnew:${base64(32)}\n old:${base64(32)} ,`, 'file');
    expect(keys.map((k) => [k.id, k.key.length])).toEqual([['new', 32], ['old', 32]]);
    expect(parsePayloadKeys(formatPayloadKeys(keys), 'x')).toEqual(keys);
  });

  test.each([
    ['', 'SERVICE_LANE_PAYLOAD_KEYS: no keys; expected id:base64key[,id:base64key…]'],
    [base64(32), 'SERVICE_LANE_PAYLOAD_KEYS: entry 1 must be id:base64key with an id of letters, digits, . _ - (at most 64)'],
    [`k1:${base64(16)}`, 'SERVICE_LANE_PAYLOAD_KEYS: key "k1" is 16 bytes; AES-256 needs 32 (openssl rand -base64 32)'],
    ['k1:not base64!', 'SERVICE_LANE_PAYLOAD_KEYS: key "k1" is not base64'],
    [`k1:${base64(32)},k1:${base64(32)}`, 'SERVICE_LANE_PAYLOAD_KEYS: key id "k1" appears twice'],
  ])('refuses %j, naming the entry but never the key', (spec, message) => {
    expect(() => parsePayloadKeys(spec, 'SERVICE_LANE_PAYLOAD_KEYS')).toThrow(message);
  });

  describe('where they come from', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'service-lane-keys-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    test('the variable, or the file it names, not both', async () => {
      const file = path.join(dir, 'keys');
      await writeFile(file, `${formatPayloadKeys([B])}\n${formatPayloadKeys([A])}\n`);
      expect((await configuredPayloadKeys({ keys: formatPayloadKeys([A]) }))?.keys.map((k) => k.id)).toEqual([A.id]);
      expect((await configuredPayloadKeys({ keyFile: file }))?.keys.map((k) => k.id)).toEqual([B.id, A.id]);
      expect(await configuredPayloadKeys({})).toBeUndefined();
      await expect(configuredPayloadKeys({ keys: formatPayloadKeys([A]), keyFile: file })).rejects.toThrow('not both');
      await expect(configuredPayloadKeys({ keyFile: path.join(dir, 'missing') })).rejects.toThrow(/no such file/);
    });

    test('embedded defaults: a key file made once in the data directory, mode 0600, the same after a restart', async () => {
      const config = { dataDir: path.join(dir, 'data'), temporalAddress: undefined };
      const first = await payloadKeysFor(config);
      const file = path.join(config.dataDir, EMBEDDED_KEY_FILE);
      expect(first.source).toBe(file);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(await payloadKeysFor(config)).toEqual(first);
      expect(await readFile(file, 'utf8')).toContain(formatPayloadKeys(first.keys));
      // Configured keys take precedence over the file.
      expect((await payloadKeysFor({ ...config, payloadKeys: formatPayloadKeys([A]) })).keys).toEqual([A]);
    });

    test('a real Temporal cluster without configured keys is refused: its API and workers must share keys', async () => {
      await expect(payloadKeysFor({ dataDir: dir, temporalAddress: 'temporal:7233' })).rejects.toThrow(/TEMPORAL_ADDRESS is set but no payload keys are/);
    });
  });
});

describe("the auditors' history view decodes through the data converter", () => {
  const converter = loadDataConverter(payloadDataConverter([A]));
  const started = async (codecKeys: typeof A[]) => {
    const [input] = await new EncryptionCodec(codecKeys).encode([plain({ customer })]);
    return temporal.api.history.v1.History.decode(
      temporal.api.history.v1.History.encode(temporal.api.history.v1.History.fromObject({
        events: [
          {
            eventId: 1,
            eventTime: { seconds: 1_796_000_000 },
            eventType: temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
            workflowExecutionStartedEventAttributes: { input: { payloads: [input, plain('in clear')] }, searchAttributes: { indexedFields: { SlPlate: plain('苏F12345') } } },
          },
        ],
      })).finish(),
    ).events;
  };

  test('each payload as the value it carries, with the key it was sealed with', async () => {
    const [event] = await rawHistoryEvents(await started([A]), converter);
    expect(event).toMatchObject({ eventId: '1', eventType: 'WorkflowExecutionStarted', eventTime: '2026-11-30T00:53:20.000Z' });
    const attributes = event.detail.workflowExecutionStartedEventAttributes as { input: { payloads: unknown[] }; searchAttributes: unknown };
    expect(attributes.input.payloads).toEqual([
      { metadata: { encoding: 'json/plain' }, encryptedWithKey: A.id, data: { customer } },
      { metadata: { encoding: 'json/plain' }, data: 'in clear' },
    ]);
    expect(attributes.searchAttributes).toEqual({ indexedFields: { SlPlate: { metadata: { encoding: 'json/plain' }, data: '苏F12345' } } });
  });

  test('a payload of a key no longer configured is shown as such, the rest of the history still readable', async () => {
    const [event] = await rawHistoryEvents(await started([B]), converter);
    const [sealed, clear] = (event.detail.workflowExecutionStartedEventAttributes as { input: { payloads: Record<string, unknown>[] } }).input.payloads;
    expect(sealed).toEqual({ metadata: { encoding: ENCRYPTED_ENCODING, [KEY_ID_METADATA]: B.id }, encryptedWithKey: B.id, undecodable: expect.stringContaining(`key "${B.id}", which is not configured`) });
    expect(clear.data).toBe('in clear');
  });
});
