"use client";
// What an admin does with one invoice: record a bank transfer, charge it through a
// provider, refund part or all of it, cancel it. Each dialog shows what will happen
// before anything changes; the server's refusal (CONFLICT, BAD_REQUEST, provider not
// configured...) is shown inside the dialog, and a success refreshes the page's data.
// The server checks every rule again; the UI only offers what the status allows.
import { useState } from "react";
import {
  BILLING_DANGER_BUTTON,
  BILLING_PRIMARY_BUTTON,
  BILLING_SECONDARY_BUTTON,
} from "@/components/action-styles";
import { allowedInvoiceActions } from "../../invoice-balance";
import type { TActionInvoice, TChargeProvider } from "./invoice-dialog-types";
import { MarkPaidDialog } from "./mark-paid-dialog";
import { ChargeDialog } from "./charge-dialog";
import { RefundDialog } from "./refund-dialog";
import { CancelDialog } from "./cancel-dialog";

type TOpenDialog = { kind: "markPaid" } | { kind: "charge"; provider: TChargeProvider } | { kind: "refund" } | { kind: "cancel" };

export function InvoiceActions({
  invoice,
  chargeProviders,
  pdfHref,
  today,
}: {
  invoice: TActionInvoice;
  chargeProviders: TChargeProvider[];
  pdfHref: string;
  today: string;
}) {
  const [open, setOpen] = useState<TOpenDialog | null>(null);
  const allowed = allowedInvoiceActions(invoice);
  const close = () => setOpen(null);
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="invoice-actions">
      {allowed.markPaid ? (
        <button type="button" className={BILLING_PRIMARY_BUTTON} onClick={() => setOpen({ kind: "markPaid" })}>
          Mark paid
        </button>
      ) : null}
      {allowed.charge
        ? chargeProviders.map((provider) => (
            <button key={provider.name} type="button" className={BILLING_SECONDARY_BUTTON} onClick={() => setOpen({ kind: "charge", provider })}>
              Charge via {provider.label}
            </button>
          ))
        : null}
      {allowed.refund ? (
        <button type="button" className={BILLING_SECONDARY_BUTTON} onClick={() => setOpen({ kind: "refund" })}>
          Refund
        </button>
      ) : null}
      {allowed.cancel ? (
        <button type="button" className={BILLING_DANGER_BUTTON} onClick={() => setOpen({ kind: "cancel" })}>
          Cancel invoice
        </button>
      ) : null}
      <a href={pdfHref} download className={BILLING_SECONDARY_BUTTON}>
        Download PDF
      </a>

      {open?.kind === "markPaid" ? <MarkPaidDialog invoice={invoice} today={today} onClose={close} /> : null}
      {open?.kind === "charge" ? <ChargeDialog invoice={invoice} provider={open.provider} onClose={close} /> : null}
      {open?.kind === "refund" ? <RefundDialog invoice={invoice} onClose={close} /> : null}
      {open?.kind === "cancel" ? <CancelDialog invoice={invoice} onClose={close} /> : null}
    </div>
  );
}
