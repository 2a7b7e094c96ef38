// What the invoice dialogs act on: the invoice, its refundable charges, the payment
// providers a charge can go through. The dialogs' fields and steps are in
// src/components/dialog-parts.tsx.
import type { TInvoiceDetail } from "../../billing-types";

export type TActionInvoice = {
  id: string;
  number: string;
  clientName: string;
  status: string;
  currency: string;
  total: string;
  amountPaid: string;
  amountRefunded: string;
  /** Refunds accepted by the provider, not final yet. */
  amountRefundPending: string;
  /** Succeeded charges, newest first, with what each can still refund. */
  refundableCharges: TRefundableCharge[];
};

export type TRefundableCharge = TInvoiceDetail["refundableCharges"][number];

export type TChargeProvider = {
  name: string;
  label: string;
  /** The client's account at this provider, when one is set on the client's page. */
  account: { customerId: string; paymentMethodId: string | null; paymentMethodLabel: string | null } | null;
};
