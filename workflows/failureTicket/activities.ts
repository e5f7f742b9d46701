// The activities a service-failure ticket calls.
import type { Activities } from '../../activities';

export type FailureTicketActivities = Pick<
  Activities,
  | 'answerFailureTicket'
  | 'loadStoreSettings'
  | 'openFailureTicket'
  | 'pageEscalationLevel'
  | 'recordLateAnswer'
>;
