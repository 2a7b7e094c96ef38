-- AlterTable
ALTER TABLE "Client" ADD COLUMN     "billingAddress" TEXT,
ADD COLUMN     "taxId" TEXT;

-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN     "billTo" JSONB;

-- The buyer block of an invoice, from the client's billing details now: one definition for
-- the billing run (which stores it on each invoice it issues) and the backfill below.
CREATE OR REPLACE FUNCTION meterline_bill_to(client_id uuid) RETURNS jsonb AS $$
  SELECT jsonb_build_object(
    'name', c.name,
    'email', c."billingEmail",
    'account', c.slug,
    'addressLines', COALESCE(
      (SELECT jsonb_agg(btrim(line) ORDER BY n)
       FROM regexp_split_to_table(c."billingAddress", E'\r?\n') WITH ORDINALITY AS lines(line, n)
       WHERE btrim(line) <> ''),
      '[]'::jsonb),
    'taxId', NULLIF(btrim(c."taxId"), '')
  )
  FROM "Client" AS c
  WHERE c.id = client_id
$$ LANGUAGE sql STABLE;

-- Invoices issued before this column printed the client's details as they are today:
-- freeze those (the trigger below does not watch billTo yet).
UPDATE "Invoice" SET "billTo" = meterline_bill_to("clientId") WHERE "billTo" IS NULL;

-- Issued invoices keep their buyer too.
CREATE OR REPLACE FUNCTION meterline_invoice_issued_immutable() RETURNS trigger AS $$
BEGIN
  IF NEW.number IS DISTINCT FROM OLD.number
     OR NEW."clientId" IS DISTINCT FROM OLD."clientId"
     OR NEW.period IS DISTINCT FROM OLD.period
     OR NEW."periodStart" IS DISTINCT FROM OLD."periodStart"
     OR NEW."periodEnd" IS DISTINCT FROM OLD."periodEnd"
     OR NEW.currency IS DISTINCT FROM OLD.currency
     OR NEW."planKey" IS DISTINCT FROM OLD."planKey"
     OR NEW."planVersion" IS DISTINCT FROM OLD."planVersion"
     OR NEW.subtotal IS DISTINCT FROM OLD.subtotal
     OR NEW.tax IS DISTINCT FROM OLD.tax
     OR NEW.total IS DISTINCT FROM OLD.total
     OR NEW."issuedAt" IS DISTINCT FROM OLD."issuedAt"
     OR NEW."billTo" IS DISTINCT FROM OLD."billTo" THEN
    RAISE EXCEPTION 'invoice % is issued: its number, client, buyer, period, currency, plan, amounts and issue date cannot change', OLD.number
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
