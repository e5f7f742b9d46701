import type { BundleOptions } from '@temporalio/worker';

const WORKFLOWS_PATH = require.resolve('../workflows');

/**
 * The options every workflow bundle is made with: the product's, the tests' and the replay tests' bundles
 * must behave alike.
 *
 * The workflow modules are preloaded: evaluated once per worker thread and shared by every workflow,
 * instead of once per workflow. A cached lifecycle then costs about a third less memory, and a lifecycle
 * brought back into the cache (an Update after its eviction) skips evaluating ~40 modules before its
 * replay. Safe because those modules keep no per-workflow state at module level (checked by
 * tests/static/workflowModuleState.test.ts); the SDK freezes their exports.
 */
export const WORKFLOW_BUNDLE_OPTIONS: Pick<BundleOptions, 'workflowsPath' | 'preloadModules' | 'workflowInterceptorModules'> = {
  workflowsPath: WORKFLOWS_PATH,
  preloadModules: [WORKFLOWS_PATH],
  // The request id of a person's step, carried to the step's activities and the workflow's log lines.
  workflowInterceptorModules: [require.resolve('./requestIdWorkflowInterceptors')],
};

/** Modules outside workflows/ that the bundle holds: a change to them must make a new bundle. */
export const BUNDLED_RUNTIME_MODULES = [require.resolve('./requestIdWorkflowInterceptors'), require.resolve('./requestIdPayload')];
