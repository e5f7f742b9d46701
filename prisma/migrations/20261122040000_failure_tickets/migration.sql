-- AlterEnum
ALTER TYPE "TaskKind" ADD VALUE 'SATISFACTION_CALL';

-- AlterTable
ALTER TABLE "ServiceFailureTicket" ADD COLUMN     "answer" TEXT,
ADD COLUMN     "answeredBy" TEXT,
ADD COLUMN     "level" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rule" TEXT NOT NULL DEFAULT 'R18',
ADD COLUMN     "workflowId" TEXT;
