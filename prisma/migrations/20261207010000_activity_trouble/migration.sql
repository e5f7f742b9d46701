-- AlterEnum
ALTER TYPE "TaskKind" ADD VALUE 'REFUSED_STEP';

-- CreateTable
CREATE TABLE "ActivityTrouble" (
    "workflowId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "activityId" TEXT NOT NULL,
    "activityType" TEXT NOT NULL,
    "workflowType" TEXT,
    "vin" TEXT,
    "firstFailedAt" TIMESTAMP(3) NOT NULL,
    "lastFailedAt" TIMESTAMP(3) NOT NULL,
    "attempts" INTEGER NOT NULL,
    "lastError" TEXT NOT NULL,

    CONSTRAINT "ActivityTrouble_pkey" PRIMARY KEY ("workflowId","runId","activityId")
);

-- CreateIndex
CREATE INDEX "ActivityTrouble_firstFailedAt_idx" ON "ActivityTrouble"("firstFailedAt");
