-- AlterTable
ALTER TABLE "ServicePlan" ADD COLUMN     "estimateCny" DECIMAL(12,2),
ADD COLUMN     "laborHours" DOUBLE PRECISION NOT NULL DEFAULT 1;

-- CreateIndex
CREATE INDEX "Notification_status_scheduledFor_idx" ON "Notification"("status", "scheduledFor");

-- CreateIndex
CREATE INDEX "Notification_vin_idx" ON "Notification"("vin");

-- CreateIndex
CREATE INDEX "Task_vin_idx" ON "Task"("vin");
