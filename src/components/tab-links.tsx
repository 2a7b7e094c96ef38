// Tabs that are links (?tab=...): server-rendered, bookmarkable, no client state.
import Link from "next/link";
import clsx from "clsx";

export function TabLinks({
  label,
  tabs,
  active,
}: {
  /** Accessible name of the tab bar, e.g. "Client sections". */
  label: string;
  tabs: { key: string; label: string; href: string }[];
  active: string;
}) {
  return (
    <nav aria-label={label} data-testid="tab-links" className="mb-6 border-b border-gray-200">
      <ul className="-mb-px flex gap-6">
        {tabs.map((tab) => {
          const selected = tab.key === active;
          return (
            <li key={tab.key}>
              <Link
                href={tab.href}
                aria-current={selected ? "page" : undefined}
                data-testid={`tab-${tab.key}`}
                scroll={false}
                className={clsx(
                  "inline-block border-b-2 px-1 pb-3 text-sm font-medium",
                  selected
                    ? "border-blue-500 text-blue-700"
                    : "border-transparent text-gray-500 hover:border-gray-300 hover:text-gray-700",
                )}
              >
                {tab.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
