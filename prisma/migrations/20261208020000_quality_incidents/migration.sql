-- AlterTable
ALTER TABLE "FollowUpSurvey" ADD COLUMN     "qualityIncident" TEXT,
ADD COLUMN     "qualityLossCny" DECIMAL(12,2);

-- AlterTable
ALTER TABLE "ServiceFailureTicket" ADD COLUMN     "cycle" INTEGER,
ADD COLUMN     "qualityIncident" TEXT,
ADD COLUMN     "qualityLossCny" DECIMAL(12,2);
