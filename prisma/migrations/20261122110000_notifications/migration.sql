-- AlterEnum
ALTER TYPE "NotificationChannel" ADD VALUE 'WECOM';
ALTER TYPE "NotificationChannel" ADD VALUE 'DINGTALK';

-- AlterEnum
ALTER TYPE "NotificationStatus" ADD VALUE 'SENDING';
ALTER TYPE "NotificationStatus" ADD VALUE 'BOUNCED';
ALTER TYPE "NotificationStatus" ADD VALUE 'SUPPRESSED';

-- AlterEnum
ALTER TYPE "TaskKind" ADD VALUE 'UNDELIVERED_MESSAGE';

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "locale" TEXT NOT NULL DEFAULT 'zh-CN';

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "ackCode" TEXT,
ADD COLUMN     "acknowledgedAt" TIMESTAMP(3),
ADD COLUMN     "acknowledgedBy" TEXT,
ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "body" TEXT,
ADD COLUMN     "cycle" INTEGER,
ADD COLUMN     "leaseUntil" TIMESTAMP(3),
ADD COLUMN     "locale" TEXT,
ADD COLUMN     "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "providerId" TEXT,
ADD COLUMN     "storeId" TEXT,
ADD COLUMN     "subject" TEXT,
ADD COLUMN     "workflowId" TEXT;

-- CreateTable
CREATE TABLE "MessageTemplate" (
    "storeId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MessageTemplate_pkey" PRIMARY KEY ("storeId","key","locale")
);

-- CreateTable
CREATE TABLE "StoreChannel" (
    "storeId" TEXT NOT NULL,
    "channel" "NotificationChannel" NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "config" JSONB NOT NULL,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StoreChannel_pkey" PRIMARY KEY ("storeId","channel")
);

-- CreateTable
CREATE TABLE "ContactOptOut" (
    "customerId" TEXT NOT NULL,
    "channel" "NotificationChannel" NOT NULL,
    "reason" TEXT NOT NULL,
    "recordedBy" TEXT NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContactOptOut_pkey" PRIMARY KEY ("customerId","channel")
);

-- CreateIndex
CREATE UNIQUE INDEX "Notification_ackCode_key" ON "Notification"("ackCode");

-- CreateIndex
CREATE INDEX "Notification_status_nextAttemptAt_idx" ON "Notification"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Notification_storeId_status_idx" ON "Notification"("storeId", "status");

-- AddForeignKey
ALTER TABLE "ContactOptOut" ADD CONSTRAINT "ContactOptOut_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
