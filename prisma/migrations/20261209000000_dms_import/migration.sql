-- CreateTable
CREATE TABLE "ImportJob" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "encoding" TEXT,
    "content" BYTEA NOT NULL,
    "sha256" TEXT NOT NULL,
    "rowCount" INTEGER NOT NULL,
    "mapping" JSONB NOT NULL DEFAULT '{}',
    "overduePerDay" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'UPLOADED',
    "leaseUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "startedBy" TEXT,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ImportJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportRow" (
    "jobId" TEXT NOT NULL,
    "row" INTEGER NOT NULL,
    "line" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "key" TEXT,
    "reasons" JSONB NOT NULL DEFAULT '[]',
    "changes" JSONB NOT NULL DEFAULT '[]',
    "input" JSONB,
    "dueDate" DATE,
    "dueRule" TEXT,
    "contactOn" DATE,
    "doneAt" TIMESTAMP(3),
    "outcome" TEXT,

    CONSTRAINT "ImportRow_pkey" PRIMARY KEY ("jobId","row")
);

-- CreateTable
CREATE TABLE "ImportPreset" (
    "storeId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "mapping" JSONB NOT NULL,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ImportPreset_pkey" PRIMARY KEY ("storeId","kind","name")
);

-- CreateTable
CREATE TABLE "CustomerDmsId" (
    "storeId" TEXT NOT NULL,
    "dmsId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,

    CONSTRAINT "CustomerDmsId_pkey" PRIMARY KEY ("storeId","dmsId")
);

-- CreateTable
CREATE TABLE "ServiceVisit" (
    "storeId" TEXT NOT NULL,
    "repairOrderNo" TEXT NOT NULL,
    "serviceDate" DATE NOT NULL,
    "vin" TEXT NOT NULL,
    "mileageKm" INTEGER,
    "description" TEXT,
    "amountCny" DECIMAL(12,2),
    "importJobId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ServiceVisit_pkey" PRIMARY KEY ("storeId","repairOrderNo","serviceDate")
);

-- CreateIndex
CREATE INDEX "ImportJob_storeId_createdAt_idx" ON "ImportJob"("storeId", "createdAt");

-- CreateIndex
CREATE INDEX "ImportRow_contactOn_idx" ON "ImportRow"("contactOn");

-- CreateIndex
CREATE UNIQUE INDEX "CustomerDmsId_customerId_key" ON "CustomerDmsId"("customerId");

-- CreateIndex
CREATE INDEX "ServiceVisit_storeId_vin_idx" ON "ServiceVisit"("storeId", "vin");

-- AddForeignKey
ALTER TABLE "ImportRow" ADD CONSTRAINT "ImportRow_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "ImportJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;
