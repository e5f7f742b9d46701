-- CreateEnum
CREATE TYPE "BayReservationStatus" AS ENUM ('HELD', 'BOOKED', 'RELEASED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "JobPriority" AS ENUM ('SAFETY', 'COMEBACK', 'COMPLAINT');

-- CreateEnum
CREATE TYPE "PartReservationStatus" AS ENUM ('RESERVED', 'PICKED', 'RETURNED');

-- CreateEnum
CREATE TYPE "PurchaseOrderStatus" AS ENUM ('ORDERED', 'RECEIVED', 'CANCELLED');

-- CreateTable
CREATE TABLE "StoreOpeningHours" (
    "storeId" TEXT NOT NULL,
    "weekday" INTEGER NOT NULL,
    "opensAt" TEXT NOT NULL,
    "closesAt" TEXT NOT NULL,

    CONSTRAINT "StoreOpeningHours_pkey" PRIMARY KEY ("storeId","weekday")
);

-- CreateTable
CREATE TABLE "StoreHoliday" (
    "storeId" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "StoreHoliday_pkey" PRIMARY KEY ("storeId","date")
);

-- CreateTable
CREATE TABLE "Technician" (
    "staffId" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "skills" JSONB NOT NULL DEFAULT '[]',
    "shifts" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "Technician_pkey" PRIMARY KEY ("staffId")
);

-- CreateTable
CREATE TABLE "JobType" (
    "storeId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "standardHours" DOUBLE PRECISION NOT NULL,
    "bayKind" TEXT NOT NULL,

    CONSTRAINT "JobType_pkey" PRIMARY KEY ("storeId","code")
);

-- CreateTable
CREATE TABLE "BayReservation" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "bayId" TEXT NOT NULL,
    "jobTypeCode" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "status" "BayReservationStatus" NOT NULL DEFAULT 'HELD',
    "expiresAt" TIMESTAMP(3),
    "priority" "JobPriority",
    "vin" TEXT,
    "bookingId" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "confirmedBy" TEXT,
    "confirmedAt" TIMESTAMP(3),
    "releasedBy" TEXT,
    "releasedAt" TIMESTAMP(3),
    "releaseReason" TEXT,

    CONSTRAINT "BayReservation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BaySlotCell" (
    "bayId" TEXT NOT NULL,
    "cellStart" TIMESTAMP(3) NOT NULL,
    "reservationId" TEXT NOT NULL,

    CONSTRAINT "BaySlotCell_pkey" PRIMARY KEY ("bayId","cellStart")
);

-- CreateTable
CREATE TABLE "PartReservation" (
    "id" TEXT NOT NULL,
    "bookingId" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "partNumber" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "status" "PartReservationStatus" NOT NULL DEFAULT 'RESERVED',
    "reservedBy" TEXT NOT NULL,
    "expectedReadyAt" TIMESTAMP(3) NOT NULL,
    "basketLabel" TEXT,
    "pickedBy" TEXT,
    "pickedAt" TIMESTAMP(3),
    "returnedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PartReservation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PurchaseOrder" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "partNumber" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "expectedAt" TIMESTAMP(3) NOT NULL,
    "status" "PurchaseOrderStatus" NOT NULL DEFAULT 'ORDERED',
    "receivedAt" TIMESTAMP(3),
    "receivedBy" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PurchaseOrder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServicePlanPart" (
    "servicePlanId" TEXT NOT NULL,
    "partNumber" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,

    CONSTRAINT "ServicePlanPart_pkey" PRIMARY KEY ("servicePlanId","partNumber")
);

-- CreateIndex
CREATE INDEX "Technician_storeId_idx" ON "Technician"("storeId");

-- CreateIndex
CREATE UNIQUE INDEX "BayReservation_bookingId_key" ON "BayReservation"("bookingId");

-- CreateIndex
CREATE INDEX "BayReservation_storeId_startsAt_idx" ON "BayReservation"("storeId", "startsAt");

-- CreateIndex
CREATE INDEX "BayReservation_vin_idx" ON "BayReservation"("vin");

-- CreateIndex
CREATE INDEX "BaySlotCell_reservationId_idx" ON "BaySlotCell"("reservationId");

-- CreateIndex
CREATE UNIQUE INDEX "PartReservation_bookingId_partNumber_key" ON "PartReservation"("bookingId", "partNumber");

-- CreateIndex
CREATE INDEX "PartReservation_storeId_partNumber_idx" ON "PartReservation"("storeId", "partNumber");

-- CreateIndex
CREATE INDEX "PurchaseOrder_storeId_partNumber_status_idx" ON "PurchaseOrder"("storeId", "partNumber", "status");

-- AddForeignKey
ALTER TABLE "StoreOpeningHours" ADD CONSTRAINT "StoreOpeningHours_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StoreHoliday" ADD CONSTRAINT "StoreHoliday_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Technician" ADD CONSTRAINT "Technician_staffId_fkey" FOREIGN KEY ("staffId") REFERENCES "Staff"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Technician" ADD CONSTRAINT "Technician_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobType" ADD CONSTRAINT "JobType_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BayReservation" ADD CONSTRAINT "BayReservation_bayId_fkey" FOREIGN KEY ("bayId") REFERENCES "Bay"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BayReservation" ADD CONSTRAINT "BayReservation_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BaySlotCell" ADD CONSTRAINT "BaySlotCell_bayId_fkey" FOREIGN KEY ("bayId") REFERENCES "Bay"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BaySlotCell" ADD CONSTRAINT "BaySlotCell_reservationId_fkey" FOREIGN KEY ("reservationId") REFERENCES "BayReservation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartReservation" ADD CONSTRAINT "PartReservation_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartReservation" ADD CONSTRAINT "PartReservation_partNumber_fkey" FOREIGN KEY ("partNumber") REFERENCES "Part"("partNumber") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PurchaseOrder" ADD CONSTRAINT "PurchaseOrder_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PurchaseOrder" ADD CONSTRAINT "PurchaseOrder_partNumber_fkey" FOREIGN KEY ("partNumber") REFERENCES "Part"("partNumber") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServicePlanPart" ADD CONSTRAINT "ServicePlanPart_servicePlanId_fkey" FOREIGN KEY ("servicePlanId") REFERENCES "ServicePlan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServicePlanPart" ADD CONSTRAINT "ServicePlanPart_partNumber_fkey" FOREIGN KEY ("partNumber") REFERENCES "Part"("partNumber") ON DELETE RESTRICT ON UPDATE CASCADE;
