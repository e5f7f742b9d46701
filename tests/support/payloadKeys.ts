// The fixed payload key of every test: the product stack, the time-skipping environment (through
// tests/setup/payloadKeys.ts) and the encrypted replay fixtures, which must decrypt on every machine.
// It is public, so it protects nothing: never configure it for a real store.
import { parsePayloadKeys } from '../../runtime/payloadKeys';

export const TEST_PAYLOAD_KEY_SPEC = 'test-fixtures-1:4YuPmshT9L6IxXPWfAHjBvkW9sIEo4WYwQMfLC3TzmI=';

export const TEST_PAYLOAD_KEYS = parsePayloadKeys(TEST_PAYLOAD_KEY_SPEC, 'the test key');
