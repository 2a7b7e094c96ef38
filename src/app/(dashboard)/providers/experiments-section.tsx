// The Providers page's Experiments section: every A/B test of models, newest first, with
// its results per variant; admins draft new ones, move them along and pick winners. It
// streams in on its own (Suspense) so the price catalogue above does not wait for it.
import { Suspense, type ReactNode } from "react";
import { EmptyState } from "@/components/empty-state";
import { SkeletonBlock, TableSkeleton } from "@/components/skeletons";
import { getSession } from "@/server/auth/auth-options";
import { api } from "@/trpc/server";
import { ExperimentCard } from "./experiment-card";
import { NewExperimentButton } from "./experiment-form";

/** Experiments shown at once; older ones are counted, not listed. */
const SHOWN = 50;
/** The form's client list (the paging maximum). */
const CLIENT_CHOICES = 200;

export function ExperimentsSection() {
  return (
    <section className="mt-10" aria-labelledby="experiments-heading" data-testid="experiments-section">
      <Suspense fallback={<ExperimentsLoading />}>
        <Experiments />
      </Suspense>
    </section>
  );
}

function ExperimentsHeader({ action }: { action?: ReactNode }) {
  return (
    <div className="mb-4 flex flex-wrap items-end justify-between gap-4">
      <div className="min-w-0">
        <h2 id="experiments-heading" className="text-lg font-semibold text-gray-900">
          Experiments
        </h2>
        <p className="mt-1 max-w-3xl text-sm text-gray-500">
          A/B tests of models on one client&apos;s conversations: each conversation is assigned a variant by weight and keeps it. One experiment per client runs (or
          is paused) at a time. The winner you pick becomes the client&apos;s provider override.
        </p>
      </div>
      {action}
    </div>
  );
}

function ExperimentsLoading() {
  return (
    <div aria-busy="true" aria-label="Loading experiments" data-testid="experiments-loading">
      <div className="mb-4 space-y-2">
        <SkeletonBlock className="h-6 w-40" />
        <SkeletonBlock className="h-4 w-96" />
      </div>
      <TableSkeleton rows={3} columns={8} />
    </div>
  );
}

async function Experiments() {
  const session = await getSession();
  const canEdit = session?.user.role === "admin";
  const [list, clients, catalogue] = await Promise.all([
    api.experiments.list({ pageSize: SHOWN }),
    canEdit ? api.clients.list({ pageSize: CLIENT_CHOICES }) : null,
    canEdit ? api.providers.modelCatalogue() : null,
  ]);
  const results = await Promise.all(list.items.map((experiment) => api.experiments.results({ experimentId: experiment.id })));
  const action =
    canEdit && clients && catalogue ? <NewExperimentButton clients={clients.items.map((client) => ({ id: client.id, name: client.name }))} catalogue={catalogue} /> : undefined;

  return (
    <>
      <ExperimentsHeader action={action} />
      {results.length === 0 ? (
        <EmptyState title="No experiments yet">
          {canEdit
            ? "Draft one with New experiment: pick a client and two or more models to compare, then start it."
            : "An admin drafts experiments here; their results per model appear once they run."}
        </EmptyState>
      ) : (
        <div className="space-y-4" data-testid="experiment-list">
          {results.map((result) => (
            <ExperimentCard key={result.experiment.id} results={result} canEdit={canEdit} />
          ))}
          {list.total > list.items.length ? (
            <p className="text-sm text-gray-500">
              Showing the newest {list.items.length} of {list.total} experiments.
            </p>
          ) : null}
        </div>
      )}
    </>
  );
}
