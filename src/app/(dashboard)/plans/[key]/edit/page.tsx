import Link from "next/link";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { api } from "@/trpc/server";
import { getSession } from "@/server/auth/auth-options";
import { AdminRequired } from "@/components/admin-required";
import { PageHeader } from "@/components/page-header";
import { inDisplayOrder } from "../../plan-display-order";
import { PlanForm } from "../../plan-form";
import { planToFormState } from "../../plan-form-state";
import { catalogueForForm } from "../../plan-types";

type TPageProps = { params: Promise<{ key: string }> };

export async function generateMetadata({ params }: TPageProps) {
  return { title: `Edit plan ${(await params).key}` };
}

export default async function EditPlanPage({ params }: TPageProps) {
  const [{ key }, session] = await Promise.all([params, getSession()]);
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
          <PageHeader title="Edit plan" />
          <AdminRequired action="change this plan" backHref="/plans" backLabel="Back to the plans" />
        </div>
      </div>
    );
  }
  let plan;
  try {
    plan = await api.plans.get({ key });
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) notFound();
    throw error;
  }
  const catalogue = await api.providers.modelCatalogue();
  return (
    <div>
      {back}
      <div className="mt-2">
        <PageHeader
          title={`Edit ${plan.name}`}
          description={plan.active ? undefined : "This plan is archived: no client can be moved to it."}
        />
        <PlanForm
          mode="edit"
          planKey={plan.key}
          version={plan.version}
          clientCount={plan.clientCount}
          initial={planToFormState(inDisplayOrder(plan))}
          catalogue={catalogueForForm(catalogue)}
        />
      </div>
    </div>
  );
}
