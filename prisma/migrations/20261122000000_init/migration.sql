-- CreateEnum
CREATE TYPE "StaffRole" AS ENUM ('SERVICE_ADVISOR', 'CUSTOMER_RELATIONS', 'TECHNICAL_DIRECTOR', 'TECHNICIAN', 'PARTS', 'SALES_CONSULTANT', 'BOOKING_SPECIALIST', 'SERVICE_SUPERVISOR', 'SERVICE_MANAGER', 'CUSTOMER_MANAGER', 'GENERAL_MANAGER', 'AUDITOR');

-- CreateEnum
CREATE TYPE "BookingChannel" AS ENUM ('REMINDER_CALL', 'PHONE', 'WEB', 'APP', 'COUNTER');

-- CreateEnum
CREATE TYPE "BookingStatus" AS ENUM ('TENTATIVE', 'CONFIRMED', 'CANCELLED', 'ARRIVED', 'NO_SHOW');

-- CreateEnum
CREATE TYPE "RepairOrderStatus" AS ENUM ('PREPARING', 'PREPARED', 'IN_PROGRESS', 'READY', 'DELIVERED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "TaskKind" AS ENUM ('REMINDER_CALL', 'PREPARATION', 'CONFIRMATION_CALL', 'RECEPTION', 'PROGRESS_CHECK', 'DELIVERY', 'FOLLOW_UP_CALL', 'FAILURE_TICKET_ANSWER');

-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('OPEN', 'DONE', 'CANCELLED');

-- CreateEnum
CREATE TYPE "NotificationChannel" AS ENUM ('SMS', 'EMAIL', 'PAGE');

-- CreateEnum
CREATE TYPE "NotificationStatus" AS ENUM ('QUEUED', 'SENT', 'FAILED');

-- CreateEnum
CREATE TYPE "FailureGrade" AS ENUM ('A', 'B', 'C', 'D');

-- CreateTable
CREATE TABLE "Store" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    "settings" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Store_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Staff" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "StaffRole" NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Staff_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Customer" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "email" TEXT,
    "birthday" DATE,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServicePlan" (
    "id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "intervalMonths" INTEGER NOT NULL,
    "intervalKm" INTEGER NOT NULL,

    CONSTRAINT "ServicePlan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Vehicle" (
    "vin" TEXT NOT NULL,
    "plate" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "servicePlanId" TEXT,
    "salesConsultantId" TEXT,
    "advisorId" TEXT,
    "deliveryDate" DATE NOT NULL,
    "mileageKm" INTEGER NOT NULL,
    "mileageRecordedAt" TIMESTAMP(3) NOT NULL,
    "avgDailyKm" DOUBLE PRECISION NOT NULL,
    "lastServiceDate" DATE,
    "lastServiceKm" INTEGER,
    "nextDueDate" DATE,
    "cycle" INTEGER NOT NULL DEFAULT 1,
    "workflowId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Vehicle_pkey" PRIMARY KEY ("vin")
);

-- CreateTable
CREATE TABLE "Bay" (
    "id" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,

    CONSTRAINT "Bay_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Booking" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "vin" TEXT NOT NULL,
    "storeId" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "channel" "BookingChannel" NOT NULL,
    "status" "BookingStatus" NOT NULL DEFAULT 'TENTATIVE',
    "bookedFor" TIMESTAMP(3) NOT NULL,
    "bayId" TEXT,
    "requests" TEXT,
    "cancelReason" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Booking_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RepairOrder" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "vin" TEXT NOT NULL,
    "bookingId" TEXT,
    "cycle" INTEGER NOT NULL,
    "status" "RepairOrderStatus" NOT NULL DEFAULT 'PREPARING',
    "estimateCny" DECIMAL(12,2),
    "checkedInAt" TIMESTAMP(3),
    "checkInMileageKm" INTEGER,
    "promisedReadyAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),
    "settledCny" DECIMAL(12,2),
    "underpaid" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RepairOrder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RepairOrderItem" (
    "id" TEXT NOT NULL,
    "repairOrderId" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "partNumber" TEXT,
    "quantity" INTEGER NOT NULL DEFAULT 1,
    "laborHours" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "priceCny" DECIMAL(12,2) NOT NULL,
    "additional" BOOLEAN NOT NULL DEFAULT false,
    "approved" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "RepairOrderItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Part" (
    "partNumber" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "priceCny" DECIMAL(12,2) NOT NULL,
    "leadDays" INTEGER NOT NULL DEFAULT 3,

    CONSTRAINT "Part_pkey" PRIMARY KEY ("partNumber")
);

-- CreateTable
CREATE TABLE "PartStock" (
    "storeId" TEXT NOT NULL,
    "partNumber" TEXT NOT NULL,
    "onHand" INTEGER NOT NULL DEFAULT 0,
    "reserved" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "PartStock_pkey" PRIMARY KEY ("storeId","partNumber")
);

-- CreateTable
CREATE TABLE "FollowUpSurvey" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "vin" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "attitudeScore" INTEGER NOT NULL,
    "qualityScore" INTEGER NOT NULL,
    "comment" TEXT,
    "recordedBy" TEXT NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FollowUpSurvey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServiceFailureTicket" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "vin" TEXT NOT NULL,
    "grade" "FailureGrade" NOT NULL,
    "reason" TEXT NOT NULL,
    "ownerRole" "StaffRole" NOT NULL,
    "answerBy" TIMESTAMP(3) NOT NULL,
    "answeredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ServiceFailureTicket_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Task" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "vin" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "kind" "TaskKind" NOT NULL,
    "rule" TEXT NOT NULL,
    "status" "TaskStatus" NOT NULL DEFAULT 'OPEN',
    "dueAt" TIMESTAMP(3) NOT NULL,
    "assigneeRole" "StaffRole" NOT NULL,
    "outcome" JSONB,
    "completedBy" TEXT,
    "completedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "vin" TEXT NOT NULL,
    "channel" "NotificationChannel" NOT NULL,
    "template" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "NotificationStatus" NOT NULL DEFAULT 'QUEUED',
    "scheduledFor" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),
    "failureReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "vin" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "rule" TEXT,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Staff_storeId_role_idx" ON "Staff"("storeId", "role");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_storeId_phone_key" ON "Customer"("storeId", "phone");

-- CreateIndex
CREATE UNIQUE INDEX "ServicePlan_model_key" ON "ServicePlan"("model");

-- CreateIndex
CREATE UNIQUE INDEX "Vehicle_workflowId_key" ON "Vehicle"("workflowId");

-- CreateIndex
CREATE INDEX "Vehicle_storeId_plate_idx" ON "Vehicle"("storeId", "plate");

-- CreateIndex
CREATE UNIQUE INDEX "Booking_idempotencyKey_key" ON "Booking"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Booking_storeId_bookedFor_idx" ON "Booking"("storeId", "bookedFor");

-- CreateIndex
CREATE UNIQUE INDEX "RepairOrder_idempotencyKey_key" ON "RepairOrder"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "RepairOrder_bookingId_key" ON "RepairOrder"("bookingId");

-- CreateIndex
CREATE UNIQUE INDEX "RepairOrderItem_repairOrderId_description_key" ON "RepairOrderItem"("repairOrderId", "description");

-- CreateIndex
CREATE UNIQUE INDEX "FollowUpSurvey_idempotencyKey_key" ON "FollowUpSurvey"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "ServiceFailureTicket_idempotencyKey_key" ON "ServiceFailureTicket"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "Task_idempotencyKey_key" ON "Task"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Task_status_dueAt_idx" ON "Task"("status", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_idempotencyKey_key" ON "Notification"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_idempotencyKey_key" ON "AuditEvent"("idempotencyKey");

-- CreateIndex
CREATE INDEX "AuditEvent_vin_occurredAt_idx" ON "AuditEvent"("vin", "occurredAt");

-- AddForeignKey
ALTER TABLE "Staff" ADD CONSTRAINT "Staff_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Customer" ADD CONSTRAINT "Customer_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Vehicle" ADD CONSTRAINT "Vehicle_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Vehicle" ADD CONSTRAINT "Vehicle_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Vehicle" ADD CONSTRAINT "Vehicle_servicePlanId_fkey" FOREIGN KEY ("servicePlanId") REFERENCES "ServicePlan"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Bay" ADD CONSTRAINT "Bay_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_vin_fkey" FOREIGN KEY ("vin") REFERENCES "Vehicle"("vin") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_bayId_fkey" FOREIGN KEY ("bayId") REFERENCES "Bay"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RepairOrder" ADD CONSTRAINT "RepairOrder_vin_fkey" FOREIGN KEY ("vin") REFERENCES "Vehicle"("vin") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RepairOrder" ADD CONSTRAINT "RepairOrder_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RepairOrderItem" ADD CONSTRAINT "RepairOrderItem_repairOrderId_fkey" FOREIGN KEY ("repairOrderId") REFERENCES "RepairOrder"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartStock" ADD CONSTRAINT "PartStock_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartStock" ADD CONSTRAINT "PartStock_partNumber_fkey" FOREIGN KEY ("partNumber") REFERENCES "Part"("partNumber") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FollowUpSurvey" ADD CONSTRAINT "FollowUpSurvey_vin_fkey" FOREIGN KEY ("vin") REFERENCES "Vehicle"("vin") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceFailureTicket" ADD CONSTRAINT "ServiceFailureTicket_vin_fkey" FOREIGN KEY ("vin") REFERENCES "Vehicle"("vin") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_vin_fkey" FOREIGN KEY ("vin") REFERENCES "Vehicle"("vin") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_vin_fkey" FOREIGN KEY ("vin") REFERENCES "Vehicle"("vin") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_vin_fkey" FOREIGN KEY ("vin") REFERENCES "Vehicle"("vin") ON DELETE RESTRICT ON UPDATE CASCADE;
