// Where an invoice's pages and files live.

export function invoiceHref(id: string): string {
  return `/billing/invoices/${id}`;
}

/** The PDF route (GET, admin only): answers with Content-Disposition: attachment; filename="<number>.pdf". */
export function invoicePdfHref(id: string): string {
  return `/api/invoices/${id}/pdf`;
}
