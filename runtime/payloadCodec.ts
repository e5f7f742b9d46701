// Customers' names and phone numbers travel in workflow inputs, activity arguments and results, Updates
// and query answers; Temporal keeps all of them in its database and shows them in its web UI, which has
// no sign-in. This codec encrypts every payload before it leaves the process (client and worker alike),
// so Temporal only ever stores ciphertext. It runs in the worker's main thread, outside the workflow
// sandbox: workflow code sees plain values and stays deterministic.
import type { ClientPlugin } from '@temporalio/client';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { WorkerPlugin } from '@temporalio/worker';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { PayloadKey } from './payloadKeys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A payload this product cannot read back: a key it no longer has, or bytes someone changed. */
export class PayloadDecryptionError extends Error {}

const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

/** The key id an encrypted payload names; undefined for a payload stored in clear. */
export function encryptionKeyOf(payload: Payload): string | undefined {
  return text(payload.metadata?.encoding) === ENCRYPTED_ENCODING ? (text(payload.metadata?.[KEY_ID_METADATA]) ?? '') : undefined;
}

/**
 * AES-256-GCM over the whole original payload (its metadata too, so even the kind of value is hidden),
 * a fresh 12-byte IV per payload: `data` = IV ‖ ciphertext ‖ tag. The first key encrypts; every key
 * decrypts what names it, so a rotated key keeps its histories readable.
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: readonly PayloadKey[]) {
    if (keys.length === 0) throw new Error('the payload codec needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys[0];
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([iv, cipher.update(temporal.api.common.v1.Payload.encode(payload).finish()), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: Buffer.from(id) }, data: sealed };
    });
  }

  /** Payloads another client wrote without the codec pass through unchanged. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const keyId = encryptionKeyOf(payload);
      if (keyId === undefined) return payload;
      const key = this.byId.get(keyId);
      if (!key) throw new PayloadDecryptionError(`payload encrypted with key "${keyId}", which is not configured (keys here: ${[...this.byId.keys()].join(', ')}); add it to SERVICE_LANE_PAYLOAD_KEYS`);
      const sealed = Buffer.from(payload.data ?? []);
      if (sealed.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`encrypted payload of key "${keyId}" is too short to be one`);
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new PayloadDecryptionError(`encrypted payload does not authenticate with key "${keyId}": it was altered, or sealed with another key under that id`);
      }
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/** The one data converter of every client and worker the product creates. */
export function payloadDataConverter(keys: readonly PayloadKey[]): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys)] };
}

/**
 * The same converter for every client and worker built on one connection: the time-skipping test
 * environment hands its connections to many workers (tests, the scenario runner), and each of them
 * must read what the others encrypted.
 */
export function payloadEncryptionPlugin(keys: readonly PayloadKey[]): ClientPlugin & WorkerPlugin {
  const dataConverter = payloadDataConverter(keys);
  return {
    name: 'service-lane-payload-encryption',
    configureClient: (options) => ({ ...options, dataConverter }),
    configureWorker: (options) => ({ ...options, dataConverter }),
    configureReplayWorker: (options) => ({ ...options, dataConverter }),
  };
}
