"use client";
// Adding users and changing them. A new or reset password is shown once, in the dialog that
// made it; the admin hands it over and the user signs in with it.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import { ActionDialog, ConfirmSummary, DialogFooter, FieldError, ServerError } from "@/components/action-dialog";
import { useTRPC } from "@/trpc/react";
import { BILLING_DANGER_BUTTON, BILLING_DESTRUCTIVE_BUTTON, BILLING_PRIMARY_BUTTON, BILLING_SECONDARY_BUTTON } from "@/components/action-styles";

const INPUT = "mt-1 block w-full rounded-md border border-gray-300 px-3 py-2 text-sm";
const SMALL = "rounded-md px-2 py-1 text-xs font-medium disabled:cursor-not-allowed disabled:opacity-50";

type TUser = { id: string; email: string; name: string; role: "admin" | "viewer"; active: boolean };
type TFieldErrors = Record<string, string[] | undefined> | undefined;

function PasswordOnce({ email, password, onDone }: { email: string; password: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-3">
      <p className="text-sm text-gray-600">
        The temporary password for <span className="font-medium">{email}</span>. This is the only time it is shown: hand it over now.
      </p>
      <code data-testid="temporary-password" className="block break-all rounded bg-gray-100 p-3 font-mono text-sm">
        {password}
      </code>
      <div className="flex justify-end gap-2">
        <button type="button" className={BILLING_SECONDARY_BUTTON} onClick={() => void navigator.clipboard?.writeText(password).then(() => setCopied(true))}>
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" className={BILLING_PRIMARY_BUTTON} onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

export function AddUserButton() {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const add = useMutation(trpc.users.add.mutationOptions({ onSuccess: () => router.refresh() }));
  const fieldErrors = add.error?.data?.zodError?.fieldErrors as TFieldErrors;
  const close = () => (setOpen(false), add.reset());

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    add.mutate({ email: String(form.get("email") ?? ""), name: String(form.get("name") ?? ""), role: form.get("role") === "admin" ? "admin" : "viewer" });
  }

  return (
    <>
      <button type="button" className={BILLING_PRIMARY_BUTTON} onClick={() => setOpen(true)}>
        Add user
      </button>
      {open ? (
        <ActionDialog title={add.data ? "User added" : "Add a user"} onClose={close} testId="add-user-dialog">
          {add.data ? (
            <PasswordOnce email={add.data.email} password={add.data.temporaryPassword} onDone={close} />
          ) : (
            <form onSubmit={onSubmit} noValidate className="space-y-4">
              <label className="block text-sm">
                <span className="font-medium text-gray-700">Email</span>
                <input name="email" type="email" maxLength={320} className={INPUT} />
                <FieldError message={fieldErrors?.email?.join(", ")} />
              </label>
              <label className="block text-sm">
                <span className="font-medium text-gray-700">Name</span>
                <input name="name" maxLength={120} className={INPUT} />
                <FieldError message={fieldErrors?.name?.join(", ")} />
              </label>
              <label className="block text-sm">
                <span className="font-medium text-gray-700">Role</span>
                <select name="role" defaultValue="viewer" className={INPUT}>
                  <option value="viewer">Viewer: reads everything, changes nothing</option>
                  <option value="admin">Admin: changes plans, clients, invoices and users</option>
                </select>
              </label>
              <ServerError message={fieldErrors ? null : add.error?.message} />
              <DialogFooter
                onCancel={close}
                confirmLabel="Add user"
                pendingLabel="Adding…"
                pending={add.isPending}
                confirmClassName={BILLING_PRIMARY_BUTTON}
                cancelClassName={BILLING_SECONDARY_BUTTON}
              />
            </form>
          )}
        </ActionDialog>
      ) : null}
    </>
  );
}

type TAction = "role" | "password" | "active";

export function UserActions({ user, isLastAdmin, isYou }: { user: TUser; isLastAdmin: boolean; isYou: boolean }) {
  const [open, setOpen] = useState<TAction | null>(null);
  const lastAdminWhy = isLastAdmin ? "The last active admin: make another user an admin first." : undefined;
  return (
    <span className="inline-flex justify-end gap-1">
      <button type="button" className={`${SMALL} border border-gray-300 text-gray-700 hover:bg-gray-50`} disabled={!user.active || isLastAdmin} title={lastAdminWhy} onClick={() => setOpen("role")}>
        {user.role === "admin" ? "Make viewer" : "Make admin"}
      </button>
      <button type="button" className={`${SMALL} border border-gray-300 text-gray-700 hover:bg-gray-50`} disabled={!user.active} onClick={() => setOpen("password")}>
        Reset password
      </button>
      <button
        type="button"
        className={`${SMALL} border ${user.active ? "border-red-200 text-red-700 hover:bg-red-50" : "border-gray-300 text-gray-700 hover:bg-gray-50"}`}
        disabled={user.active && isLastAdmin}
        title={user.active ? lastAdminWhy : undefined}
        onClick={() => setOpen("active")}
      >
        {user.active ? "Deactivate" : "Reactivate"}
      </button>
      {open === "role" ? <RoleDialog user={user} isYou={isYou} onClose={() => setOpen(null)} /> : null}
      {open === "password" ? <ResetPasswordDialog user={user} isYou={isYou} onClose={() => setOpen(null)} /> : null}
      {open === "active" ? <ActiveDialog user={user} isYou={isYou} onClose={() => setOpen(null)} /> : null}
    </span>
  );
}

function Consequence({ children }: { children: ReactNode }) {
  return <p className="mb-3 text-left text-sm text-gray-600">{children}</p>;
}

function RoleDialog({ user, isYou, onClose }: { user: TUser; isYou: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const role = user.role === "admin" ? "viewer" : "admin";
  const change = useMutation(trpc.users.setRole.mutationOptions({ onSuccess: () => (onClose(), router.refresh()) }));
  return (
    <ActionDialog title={`Make ${user.email} ${role === "admin" ? "an admin" : "a viewer"}?`} onClose={onClose} testId="role-dialog">
      <Consequence>
        {role === "admin"
          ? "They will be able to change plans, clients, invoices, payments and users from their next click."
          : `From their next click they can read everything but change nothing${isYou ? " — and that includes you" : ""}.`}
      </Consequence>
      <ServerError message={change.error?.message} />
      <DialogFooter
        onCancel={onClose}
        confirmLabel={role === "admin" ? "Make admin" : "Make viewer"}
        pendingLabel="Saving…"
        pending={change.isPending}
        confirmClassName={role === "admin" ? BILLING_PRIMARY_BUTTON : BILLING_DANGER_BUTTON}
        cancelClassName={BILLING_SECONDARY_BUTTON}
        onConfirm={() => change.mutate({ id: user.id, role })}
      />
    </ActionDialog>
  );
}

function ResetPasswordDialog({ user, isYou, onClose }: { user: TUser; isYou: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const reset = useMutation(trpc.users.resetPassword.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <ActionDialog title={reset.data ? "Password reset" : `Reset the password of ${user.email}?`} onClose={onClose} testId="reset-password-dialog">
      {reset.data ? (
        <PasswordOnce email={reset.data.email} password={reset.data.temporaryPassword} onDone={onClose} />
      ) : (
        <>
          <Consequence>
            Their current password stops working and every browser they are signed in on is signed out{isYou ? ", this one included" : ""}. You get a
            temporary password to hand over.
          </Consequence>
          <ServerError message={reset.error?.message} />
          <DialogFooter
            onCancel={onClose}
            confirmLabel="Reset password"
            pendingLabel="Resetting…"
            pending={reset.isPending}
            confirmClassName={BILLING_DESTRUCTIVE_BUTTON}
            cancelClassName={BILLING_SECONDARY_BUTTON}
            onConfirm={() => reset.mutate({ id: user.id })}
          />
        </>
      )}
    </ActionDialog>
  );
}

function ActiveDialog({ user, isYou, onClose }: { user: TUser; isYou: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [reason, setReason] = useState("");
  const setActive = useMutation(trpc.users.setActive.mutationOptions({ onSuccess: () => (onClose(), router.refresh()) }));
  const fieldErrors = setActive.error?.data?.zodError?.fieldErrors as TFieldErrors;
  const activate = !user.active;
  return (
    <ActionDialog title={activate ? `Reactivate ${user.email}?` : `Deactivate ${user.email}?`} onClose={onClose} testId="active-dialog">
      <form
        noValidate
        className="space-y-3 text-left"
        onSubmit={(event) => {
          event.preventDefault();
          setActive.mutate({ id: user.id, active: activate, reason });
        }}
      >
        <ConfirmSummary
          rows={[
            { label: "User", value: `${user.name} (${user.role})` },
            {
              label: "Afterwards",
              value: activate ? "they can sign in again with their password" : `they are signed out everywhere${isYou ? " (you too)" : ""} and cannot sign in`,
            },
          ]}
        />
        <label className="block text-sm">
          <span className="font-medium text-gray-700">Reason</span>
          <input name="reason" value={reason} onChange={(event) => setReason(event.target.value)} maxLength={500} placeholder="e.g. left the company" className={INPUT} />
          <FieldError message={fieldErrors?.reason?.join(", ")} />
        </label>
        <ServerError message={fieldErrors ? null : setActive.error?.message} />
        <DialogFooter
          onCancel={onClose}
          confirmLabel={activate ? "Reactivate" : "Deactivate"}
          pendingLabel="Saving…"
          pending={setActive.isPending}
          confirmClassName={activate ? BILLING_PRIMARY_BUTTON : BILLING_DESTRUCTIVE_BUTTON}
          cancelClassName={BILLING_SECONDARY_BUTTON}
        />
      </form>
    </ActionDialog>
  );
}
