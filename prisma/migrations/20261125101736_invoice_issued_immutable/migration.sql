-- Issued invoices never change what they bill (DESIGN.md, invariant 4). The application
-- only ever moves status, the payment fields (amountPaid, amountRefunded, paidAt), dueAt and
-- notes; these triggers make the rest impossible for any code path or hand-written SQL.
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
     OR NEW."issuedAt" IS DISTINCT FROM OLD."issuedAt" THEN
    RAISE EXCEPTION 'invoice % is issued: its number, client, period, currency, plan, amounts and issue date cannot change', OLD.number
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Invoice_issued_immutable" BEFORE UPDATE ON "Invoice"
  FOR EACH ROW EXECUTE FUNCTION meterline_invoice_issued_immutable();

CREATE OR REPLACE FUNCTION meterline_invoice_line_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the lines of an issued invoice cannot be changed or removed' USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "InvoiceLineItem_immutable" BEFORE UPDATE OR DELETE ON "InvoiceLineItem"
  FOR EACH ROW EXECUTE FUNCTION meterline_invoice_line_immutable();

-- Money received and returned: never negative, never more returned than received.
ALTER TABLE "Invoice" ADD CONSTRAINT "Invoice_payment_amounts_check"
  CHECK ("amountPaid" >= 0 AND "amountRefunded" >= 0 AND "amountRefunded" <= "amountPaid");
