"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import clsx from "clsx";

const LINKS = [
  { href: "/", label: "Overview" },
  { href: "/clients", label: "Clients" },
  { href: "/billing", label: "Billing" },
  { href: "/usage", label: "Usage" },
  { href: "/alerts", label: "Alerts" },
  { href: "/plans", label: "Plans" },
  { href: "/providers", label: "Providers" },
] as const;

/** Admins also manage who can sign in. */
const ADMIN_LINKS = [{ href: "/users", label: "Users" }] as const;

export function NavLinks({ isAdmin }: { isAdmin: boolean }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-col gap-1">
      {[...LINKS, ...(isAdmin ? ADMIN_LINKS : [])].map((link) => {
        const active = link.href === "/" ? pathname === "/" : pathname.startsWith(link.href);
        return (
          <Link
            key={link.href}
            href={link.href}
            aria-current={active ? "page" : undefined}
            className={clsx(
              "rounded-md px-3 py-2 text-sm font-medium",
              active ? "bg-blue-50 text-blue-700" : "text-gray-600 hover:bg-gray-100 hover:text-gray-900",
            )}
          >
            {link.label}
          </Link>
        );
      })}
    </nav>
  );
}
