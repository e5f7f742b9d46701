-- AlterEnum
ALTER TYPE "TaskKind" ADD VALUE 'ADDITIONAL_WORK_CALL';

-- AlterTable
ALTER TABLE "RepairOrderItem" ADD COLUMN     "decidedAt" TIMESTAMP(3),
ADD COLUMN     "safety" BOOLEAN NOT NULL DEFAULT false;
