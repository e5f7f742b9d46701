-- AlterEnum
ALTER TYPE "TaskKind" ADD VALUE 'PARTS_DEPOSIT_CALL';
ALTER TYPE "TaskKind" ADD VALUE 'FIRST_SERVICE_FOLLOW_UP_CALL';

-- AlterTable
ALTER TABLE "Booking" ADD COLUMN     "depositRequiredCny" DECIMAL(12,2),
ADD COLUMN     "depositPaidCny" DECIMAL(12,2),
ADD COLUMN     "depositPaidAt" TIMESTAMP(3),
ADD COLUMN     "depositPaidBy" TEXT;

-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "ruleAt" TIMESTAMP(3);
