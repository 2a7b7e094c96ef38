"use client";
// Set, replace or remove a client's account at a payment provider (the customer charged
// and its saved card). The provider checks both before the server stores anything; its
// refusal is shown in the dialog.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ActionDialog, DialogFooter, FieldError, ServerError } from "@/components/action-dialog";
import { useTRPC } from "@/trpc/react";
import { BILLING_DANGER_BUTTON, BILLING_DESTRUCTIVE_BUTTON, BILLING_INPUT, BILLING_PRIMARY_BUTTON, BILLING_SECONDARY_BUTTON } from "@/components/action-styles";

type TAccount = { customerId: string; paymentMethodId: string | null } | null;

export function SetPaymentAccountButton({
  clientId,
  clientName,
  provider,
  account,
}: {
  clientId: string;
  clientName: string;
  provider: { name: string; label: string };
  account: TAccount;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [customerId, setCustomerId] = useState(account?.customerId ?? "");
  const [paymentMethodId, setPaymentMethodId] = useState(account?.paymentMethodId ?? "");
  const [customerError, setCustomerError] = useState<string | null>(null);
  const save = useMutation(
    trpc.billing.setPaymentAccount.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        router.refresh();
      },
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (customerId.trim() === "") {
      setCustomerError(`Enter the client's customer id at ${provider.label}.`);
      return;
    }
    setCustomerError(null);
    save.mutate({ clientId, provider: provider.name, customerId: customerId.trim(), paymentMethodId: paymentMethodId.trim() || undefined });
  }

  function close() {
    setOpen(false);
    save.reset();
  }

  return (
    <>
      <button type="button" className={account ? BILLING_SECONDARY_BUTTON : BILLING_PRIMARY_BUTTON} onClick={() => setOpen(true)}>
        {account ? "Change" : `Set ${provider.label} account`}
      </button>
      {open ? (
        <ActionDialog
          title={`${provider.label} account of ${clientName}`}
          description={<>Invoices charged through {provider.label} go to this customer&apos;s saved card. {provider.label} checks both ids before they are saved.</>}
          onClose={close}
          testId="payment-account-dialog"
        >
          <form onSubmit={onSubmit} noValidate className="space-y-4">
            <label className="block text-sm">
              <span className="font-medium text-gray-700">Customer id</span>
              <input
                value={customerId}
                onChange={(event) => setCustomerId(event.target.value)}
                placeholder="cus_…"
                maxLength={255}
                className={`${BILLING_INPUT} mt-1 block w-full font-mono`}
                aria-invalid={customerError ? true : undefined}
              />
              <FieldError message={customerError} />
            </label>
            <label className="block text-sm">
              <span className="font-medium text-gray-700">Default payment method id</span>
              <input
                value={paymentMethodId}
                onChange={(event) => setPaymentMethodId(event.target.value)}
                placeholder="pm_…"
                maxLength={255}
                className={`${BILLING_INPUT} mt-1 block w-full font-mono`}
              />
              <span className="mt-1 block text-xs text-gray-500">A card saved on that customer. Empty: each charge names one.</span>
            </label>
            <ServerError message={save.error?.message ?? null} />
            <DialogFooter
              onCancel={close}
              confirmLabel="Save"
              pendingLabel={`Checking with ${provider.label}…`}
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

export function RemovePaymentAccountButton({ clientId, clientName, provider }: { clientId: string; clientName: string; provider: { name: string; label: string } }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const remove = useMutation(
    trpc.billing.removePaymentAccount.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        router.refresh();
      },
    }),
  );
  return (
    <>
      <button type="button" className={BILLING_DANGER_BUTTON} onClick={() => setOpen(true)}>
        Remove
      </button>
      {open ? (
        <ActionDialog
          title={`Remove the ${provider.label} account?`}
          description={<>Charges of {clientName}&apos;s invoices through {provider.label} will then need a payment method named each time. Nothing changes at {provider.label}.</>}
          onClose={() => (setOpen(false), remove.reset())}
          testId="remove-payment-account-dialog"
        >
          <div className="space-y-4">
            <ServerError message={remove.error?.message ?? null} />
            <DialogFooter
              cancelLabel="Keep it"
              onCancel={() => setOpen(false)}
              confirmLabel="Remove account"
              pendingLabel="Removing…"
              pending={remove.isPending}
              confirmClassName={BILLING_DESTRUCTIVE_BUTTON}
              cancelClassName={BILLING_SECONDARY_BUTTON}
              onConfirm={() => remove.mutate({ clientId, provider: provider.name })}
            />
          </div>
        </ActionDialog>
      ) : null}
    </>
  );
}
