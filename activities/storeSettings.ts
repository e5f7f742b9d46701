import type { StoreSettingsChange } from '../workflows/shared';
import { auditedStep } from './auditedStep';
import { Db } from './database';
import { StepContext } from './stepContext';

export function storeSettingsActivities(db: Db) {
  return {
    /** Each vehicle's history shows which settings its later decisions used, from which change and whose. */
    async recordSettingsApplied(ctx: StepContext, change: StoreSettingsChange): Promise<null> {
      return auditedStep(
        db,
        ctx,
        { step: `settings:${change.version}`, action: 'store-settings.applied', actor: change.changedBy, data: { version: change.version, changed: change.changed } },
        async () => null,
      );
    },
  };
}
