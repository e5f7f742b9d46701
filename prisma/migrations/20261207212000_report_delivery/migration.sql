-- AlterTable
-- R23: a store's reports go to its managers through the outbox; such a message is about no one vehicle.
ALTER TABLE "Notification" ALTER COLUMN "vin" DROP NOT NULL;

-- AlterEnum
ALTER TYPE "TaskKind" ADD VALUE 'VISIT_DOCUMENTS';

-- CreateTable
CREATE TABLE "VisitDocuments" (
    "repairOrderId" TEXT NOT NULL,
    "vin" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "receivedBy" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VisitDocuments_pkey" PRIMARY KEY ("repairOrderId")
);

-- CreateIndex
CREATE INDEX "VisitDocuments_vin_idx" ON "VisitDocuments"("vin");
