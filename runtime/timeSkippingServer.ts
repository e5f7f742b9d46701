// Temporal's Java time-skipping server: workflow tests and the scenario runner cover weeks in seconds.
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { payloadEncryptionPlugin } from './payloadCodec';
import { configuredPayloadKeys, newPayloadKey } from './payloadKeys';
import { WORKFLOW_BUNDLE_OPTIONS } from './workflowBundleOptions';
import { SEARCH_ATTRIBUTE_FLAGS } from '../workflows/lifecycle/contract';

const INDEXED_TYPES: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
};

/**
 * The Java time-skipping server, with the lifecycle's search attributes registered as on a real cluster
 * and payloads encrypted as in production: with the keys the environment configures (in tests the fixed
 * test key, tests/setup/payloadKeys.ts, so recorded histories replay anywhere), else with a key made for
 * this run. Every client and worker on the environment's connections shares the codec.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const configured = await configuredPayloadKeys({ keys: process.env.SERVICE_LANE_PAYLOAD_KEYS, keyFile: process.env.SERVICE_LANE_PAYLOAD_KEY_FILE });
  const env = await startWithRetries(payloadEncryptionPlugin(configured?.keys ?? [newPayloadKey('rehearsal')]));
  const searchAttributes = Object.fromEntries(
    SEARCH_ATTRIBUTE_FLAGS.map((flag) => {
      const [name, type] = flag.split('=');
      return [name, INDEXED_TYPES[type]];
    }),
  );
  await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes });
  return env;
}

/**
 * The SDK gives the JVM 5 s to answer; on a busy 2-core machine a start now and then takes longer, and a
 * fresh attempt is cheaper than a failed run.
 */
async function startWithRetries(encryption: ReturnType<typeof payloadEncryptionPlugin>, attempts = 3): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServerPath() } }, plugins: [encryption] });
    } catch (err) {
      if (attempt >= attempts || !/did not start within/.test(String(err))) throw err;
    }
  }
}

/** scripts/with-tools.sh installs the server and names its launcher in TEMPORAL_TEST_SERVER. */
function testServerPath(): string {
  const path = process.env.TEMPORAL_TEST_SERVER;
  if (!path) throw new Error('TEMPORAL_TEST_SERVER is not set: run through `npm test` or `npm run scenario`, which install the test server');
  return path;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundling takes seconds; a test file does it once. */
export function lifecycleBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: quietLogger });
  return bundle;
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};
