import { TEST_PAYLOAD_KEY_SPEC } from '../support/payloadKeys';

// Whatever a developer's shell configures: histories recorded as replay fixtures must be sealed with the
// checked-in test key, or no other machine could replay them.
process.env.SERVICE_LANE_PAYLOAD_KEYS = TEST_PAYLOAD_KEY_SPEC;
delete process.env.SERVICE_LANE_PAYLOAD_KEY_FILE;
