// The workflow code of a release replays the histories of its own baseline and of the releases after it
// (README, "Changing the workflow"). Histories written during development, before release 1.0, replay on
// none: a data directory holding them is refused at start, rather than left with every workflow in it
// failing on replay. The marker lives beside the embedded Temporal server's database it speaks for.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The generation of workflow code this checkout runs; a release that drops patches names a new one. */
export const WORKFLOW_BASELINE = '1.0';
export const BASELINE_MARKER = 'workflow-baseline';

export class UnsupportedWorkflowData extends Error {}

/**
 * Passes a data directory whose histories this code replays, marking a new one; refuses histories of
 * another baseline (or from before markers existed) with the steps that start afresh.
 */
export async function checkWorkflowBaseline(dataDir: string): Promise<void> {
  const marker = path.join(dataDir, BASELINE_MARKER);
  const recorded = await readFile(marker, 'utf8').then(
    (text) => text.trim(),
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    },
  );
  if (recorded === WORKFLOW_BASELINE) return;
  if (recorded === undefined && !existsSync(path.join(dataDir, 'temporal.db'))) {
    await mkdir(dataDir, { recursive: true });
    await writeFile(marker, `${WORKFLOW_BASELINE}\n`);
    return;
  }
  throw new UnsupportedWorkflowData(
    [
      `${dataDir} holds workflow histories ${recorded ? `of baseline ${recorded}` : 'from before release 1.0'}; this code replays baseline ${WORKFLOW_BASELINE} only, and its workflows would fail on replay.`,
      'To start afresh:',
      '  1. stop every npm start using that directory;',
      `  2. move it aside: mv ${dataDir} ${dataDir}.before-${WORKFLOW_BASELINE} (its database, Temporal histories and payload keys go together);`,
      `  3. npm start: a new directory is made, marked with baseline ${WORKFLOW_BASELINE} (with the demo store unless SEED_DEMO_STORE=false);`,
      "  4. a store's customers come back through the DMS import (README, \"Bringing a store's customers in\").",
    ].join('\n'),
  );
}
