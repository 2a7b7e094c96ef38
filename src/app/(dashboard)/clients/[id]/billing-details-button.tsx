"use client";
// Edit the client's billing details (email, postal address, tax id). Invoices already
// issued keep the details they were issued with; the dialog says so.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ActionDialog, DialogFooter, FieldError, ServerError } from "@/components/action-dialog";
import { useTRPC } from "@/trpc/react";
import { BILLING_INPUT, BILLING_PRIMARY_BUTTON, BILLING_SECONDARY_BUTTON } from "@/components/action-styles";

type TDetails = { billingEmail: string; billingAddress: string | null; taxId: string | null };

const WIDE_INPUT = `${BILLING_INPUT} mt-1 block w-full`;

export function EditBillingDetailsButton({ clientId, clientName, details }: { clientId: string; clientName: string; details: TDetails }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [billingEmail, setBillingEmail] = useState(details.billingEmail);
  const [billingAddress, setBillingAddress] = useState(details.billingAddress ?? "");
  const [taxId, setTaxId] = useState(details.taxId ?? "");
  const save = useMutation(
    trpc.clients.updateBillingDetails.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        router.refresh();
      },
    }),
  );
  const fieldErrors = (save.error?.data?.zodError?.fieldErrors ?? {}) as Record<string, string[] | undefined>;
  const fieldError = (field: string) => fieldErrors[field]?.join(", ") ?? null;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    save.mutate({ id: clientId, billingEmail: billingEmail.trim(), billingAddress, taxId });
  }

  function close() {
    setOpen(false);
    save.reset();
  }

  return (
    <>
      <button type="button" className={BILLING_SECONDARY_BUTTON} onClick={() => setOpen(true)}>
        Edit billing details
      </button>
      {open ? (
        <ActionDialog
          title={`Billing details of ${clientName}`}
          description="What the next invoices are addressed to. Invoices already issued keep the details they were issued with."
          onClose={close}
          testId="billing-details-dialog"
        >
          <form onSubmit={onSubmit} noValidate className="space-y-4">
            <label className="block text-sm">
              <span className="font-medium text-gray-700">Billing email</span>
              <input type="email" value={billingEmail} onChange={(event) => setBillingEmail(event.target.value)} maxLength={254} className={WIDE_INPUT} />
              <FieldError message={fieldError("billingEmail")} />
            </label>
            <label className="block text-sm">
              <span className="font-medium text-gray-700">Postal address</span>
              <textarea
                rows={4}
                value={billingAddress}
                onChange={(event) => setBillingAddress(event.target.value)}
                maxLength={500}
                placeholder={"Street and number\nPostcode and city\nCountry"}
                className={WIDE_INPUT}
              />
              <span className="mt-1 block text-xs text-gray-500">Printed under &quot;Bill to&quot;, one line per line (at most 6).</span>
              <FieldError message={fieldError("billingAddress")} />
            </label>
            <label className="block text-sm">
              <span className="font-medium text-gray-700">Tax ID</span>
              <input value={taxId} onChange={(event) => setTaxId(event.target.value)} maxLength={50} placeholder="e.g. DE123456789" className={WIDE_INPUT} />
              <FieldError message={fieldError("taxId")} />
            </label>
            <ServerError message={save.error && Object.keys(fieldErrors).length === 0 ? save.error.message : null} />
            <DialogFooter
              onCancel={close}
              confirmLabel="Save"
              pendingLabel="Saving…"
              pending={save.isPending}
              confirmClassName={BILLING_PRIMARY_BUTTON}
              cancelClassName={BILLING_SECONDARY_BUTTON}
            />
          </form>
        </ActionDialog>
      ) : null}
    </>
  );
}
