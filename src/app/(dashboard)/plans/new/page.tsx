import Link from "next/link";
import { TRPCError } from "@trpc/server";
import { api } from "@/trpc/server";
import { getSession } from "@/server/auth/auth-options";
import { AdminRequired } from "@/components/admin-required";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { readParam, type TSearchParams } from "@/components/url-params";
import { inDisplayOrder } from "../plan-display-order";
import { PlanForm } from "../plan-form";
import { blankFormState, planToFormState } from "../plan-form-state";
import { catalogueForForm } from "../plan-types";

export const metadata = { title: "New plan" };

type TPageProps = { searchParams: Promise<TSearchParams> };

export default async function NewPlanPage({ searchParams }: TPageProps) {
  const [query, session] = await Promise.all([searchParams, getSession()]);
  const copyFrom = readParam(query, "copy") ?? null;
  const back = (
    <Link href="/plans" className="text-sm text-gray-500 hover:text-gray-900">
      ← Plans
    </Link>
  );
  if (session?.user.role !== "admin") {
    return (
      <div>
        {back}
        <div className="mt-2">
          <PageHeader title="New plan" />
          <AdminRequired action="create a plan" backHref="/plans" backLabel="Back to the plans" />
        </div>
      </div>
    );
  }

  const catalogue = catalogueForForm(await api.providers.modelCatalogue());
  let source = null;
  if (copyFrom) {
    try {
      source = await api.plans.get({ key: copyFrom });
    } catch (error) {
      if (!(error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST"))) throw error;
    }
    if (!source) {
      return (
        <div>
          {back}
          <div className="mt-2">
            <PageHeader title="New plan" />
            <EmptyState title={`No plan with the key "${copyFrom}" to copy`} action={<Link href="/plans/new" className="font-medium text-blue-600 hover:underline">Start from a blank plan</Link>} />
          </div>
        </div>
      );
    }
  }

  // A copy starts with the source's settings under a new key and name, listed after it.
  const initial = source
    ? { ...planToFormState(inDisplayOrder(source)), key: "", name: "", sortOrder: String(source.sortOrder + 1) }
    : blankFormState();
  return (
    <div>
      {back}
      <div className="mt-2">
        <PageHeader
          title={source ? `New plan from ${source.name}` : "New plan"}
          description={source ? `Starts with ${source.name}'s limits, features, prices and LLM cost settings; change what differs.` : undefined}
        />
        <PlanForm mode="create" copyFrom={source ? source.key : null} initial={initial} catalogue={catalogue} />
      </div>
    </div>
  );
}
