import { careActivities } from './care';
import { Db } from './database';
import { failureTicketActivities } from './failureTickets';
import { notificationActivities } from './notifications';
import { registrationActivities } from './registration';
import { serviceStepActivities } from './serviceSteps';
import { storeSettingsActivities } from './storeSettings';
import { taskActivities } from './tasks';

export function createActivities(db: Db) {
  return {
    ...registrationActivities(db),
    ...taskActivities(db),
    ...notificationActivities(db),
    ...serviceStepActivities(db),
    ...failureTicketActivities(db),
    ...careActivities(db),
    ...storeSettingsActivities(db),
  };
}

/** Every activity the worker registers; each workflow names the ones it calls (workflows/<process>/activities.ts). */
export type Activities = ReturnType<typeof createActivities>;
