-- AlterEnum
ALTER TYPE "BookingChannel" ADD VALUE 'WALK_IN';
