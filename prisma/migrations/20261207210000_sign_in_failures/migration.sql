-- CreateTable
CREATE TABLE "SignInFailure" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "failedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SignInFailure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SignInFailure_key_failedAt_idx" ON "SignInFailure"("key", "failedAt");

-- CreateIndex
CREATE INDEX "SignInFailure_failedAt_idx" ON "SignInFailure"("failedAt");
