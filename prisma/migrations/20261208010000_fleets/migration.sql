-- R25: corporate fleets, their contacts and vehicles, their requests and the store's answers.

-- AlterEnum
ALTER TYPE "TaskKind" ADD VALUE 'FLEET_REQUEST_ANSWER';

-- CreateEnum
CREATE TYPE "FleetRequestStatus" AS ENUM ('OPEN', 'ANSWERED');

-- AlterTable
ALTER TABLE "Vehicle" ADD COLUMN     "fleetAccountId" TEXT;

-- CreateTable
CREATE TABLE "FleetAccount" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FleetAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FleetContact" (
    "id" TEXT NOT NULL,
    "fleetAccountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "email" TEXT,

    CONSTRAINT "FleetContact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FleetRequest" (
    "id" TEXT NOT NULL,
    "fleetAccountId" TEXT NOT NULL,
    "requestedFor" TIMESTAMP(3) NOT NULL,
    "service" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "receivedBy" TEXT NOT NULL,
    "answerBy" TIMESTAMP(3) NOT NULL,
    "status" "FleetRequestStatus" NOT NULL DEFAULT 'OPEN',
    "escalatedAt" TIMESTAMP(3),
    "answeredTime" TIMESTAMP(3),
    "answeredPlace" TEXT,
    "answeredAt" TIMESTAMP(3),
    "answeredBy" TEXT,
    "workflowId" TEXT NOT NULL,

    CONSTRAINT "FleetRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FleetRequestVehicle" (
    "requestId" TEXT NOT NULL,
    "vin" TEXT NOT NULL,

    CONSTRAINT "FleetRequestVehicle_pkey" PRIMARY KEY ("requestId","vin")
);

-- CreateIndex
CREATE INDEX "Vehicle_fleetAccountId_idx" ON "Vehicle"("fleetAccountId");

-- CreateIndex
CREATE UNIQUE INDEX "FleetAccount_storeId_name_key" ON "FleetAccount"("storeId", "name");

-- CreateIndex
CREATE INDEX "FleetContact_fleetAccountId_idx" ON "FleetContact"("fleetAccountId");

-- CreateIndex
CREATE UNIQUE INDEX "FleetRequest_workflowId_key" ON "FleetRequest"("workflowId");

-- CreateIndex
CREATE INDEX "FleetRequest_fleetAccountId_status_idx" ON "FleetRequest"("fleetAccountId", "status");

-- CreateIndex
CREATE INDEX "FleetRequestVehicle_vin_idx" ON "FleetRequestVehicle"("vin");

-- AddForeignKey
ALTER TABLE "Vehicle" ADD CONSTRAINT "Vehicle_fleetAccountId_fkey" FOREIGN KEY ("fleetAccountId") REFERENCES "FleetAccount"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FleetAccount" ADD CONSTRAINT "FleetAccount_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FleetContact" ADD CONSTRAINT "FleetContact_fleetAccountId_fkey" FOREIGN KEY ("fleetAccountId") REFERENCES "FleetAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FleetRequest" ADD CONSTRAINT "FleetRequest_fleetAccountId_fkey" FOREIGN KEY ("fleetAccountId") REFERENCES "FleetAccount"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FleetRequestVehicle" ADD CONSTRAINT "FleetRequestVehicle_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "FleetRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FleetRequestVehicle" ADD CONSTRAINT "FleetRequestVehicle_vin_fkey" FOREIGN KEY ("vin") REFERENCES "Vehicle"("vin") ON DELETE RESTRICT ON UPDATE CASCADE;
