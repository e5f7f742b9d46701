// Page text of the slots pages: [zh-CN, English].
import type { SlotReason } from '../slotPicker';

// Every reason the booking command gives for a time (R5 hours, R8 slot rules), keyed `slotReason.<code>`,
// so a refused time in the picker and a refused booking read alike.
const SLOT_REASONS: Record<SlotReason, [zh: string, en: string]> = {
  PAST: ['时间已过', 'Already past'],
  TOO_FAR: ['超出可预约范围（一年内）', 'Too far ahead (within a year)'],
  HOLIDAY: ['节假日休息', 'Holiday'],
  CLOSED: ['不营业', 'Closed'],
  OUTSIDE_HOURS: ['非营业时间', 'Outside opening hours'],
  OFF_GRID: ['不在预约时间格上，或作业超出营业时间', 'Not a slot time, or the job would run past closing'],
  WRONG_BAY_KIND: ['工位类型不符', 'Wrong kind of bay'],
  PARTS_LATE: ['配件届时未到', 'Parts not in by then'],
  MORNING_RUSH: ['早高峰，不安排预约到店', 'Morning rush: no booked arrivals'],
  EVENING: ['临近下班，不安排预约到店', 'Near closing: no booked arrivals'],
  ARRIVALS_SPREAD: ['该时间到店车辆已满', 'Enough arrivals at this time'],
  BAY_BUSY: ['工位已被占用', 'No bay free'],
  NO_TECHNICIAN: ['无技师当班', 'No technician free'],
  CAPACITY_RESERVED: ['当天可预约产能已满（预留 20% 给急修）', 'Bookable share of the day is full (20% kept free)'],
  CAPACITY_FULL: ['当天车间已满', 'Workshop full that day'],
  JOB_LONGER_THAN_DAY: ['作业时间超过当天营业时间', 'The job is longer than the opening hours'],
  RANKED_LOWER: ['有更合适的时间', 'Better times offered'],
};

export const SLOTS_TEXT: Record<string, [zh: string, en: string]> = {
  ...Object.fromEntries(Object.entries(SLOT_REASONS).map(([code, text]) => [`slotReason.${code}`, text])),
  slotPickerOther: ['其他时间', 'Another time'],
  slotPickerNoTimes: ['当天已无可选时间', 'No time left this day'],
};
