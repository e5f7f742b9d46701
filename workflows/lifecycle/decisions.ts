// What a phase of the cycle decided and hands on to the next: the booking and the job in the workshop.
import type { TaskSpec } from '../../activities/tasks';
import type { DepositAsked } from '../../domain/partsDeposit';
import type { WalkInInput } from './contract';

interface BookedVisit {
  bookingId: string;
  bookedFor: number;
}

/** Booked ahead (R5): R6 done with the booking — its work order, the technical director's task, and the deposit its parts ask (R6b). */
export interface AdvanceBooking extends BookedVisit {
  prepared: { repairOrderId: string; task: TaskSpec; deposit?: DepositAsked };
}

/** R12: the car walked in: booking, work order and check-in are already done. */
export interface WalkInBooking extends BookedVisit {
  walkIn: { repairOrderId: string; input: WalkInInput };
}

export type Booking = AdvanceBooking | WalkInBooking;

export interface Job {
  repairOrderId: string;
  checkedInAt: number;
  mileageKm: number;
  promisedReadyAt: number;
}

/** R12: the car is in the workshop: its job, and the promised time as the reception sheet gave it. */
export interface CheckedIn {
  job: Job;
  promisedReadyAt: string;
}
