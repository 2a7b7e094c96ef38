// Which payment providers this deployment can use, and what to set for the others.
import { Badge, Card, Text, Title } from "@tremor/react";
import type { TPaymentProviderStatus } from "./billing-types";

export function PaymentProviders({ providers }: { providers: TPaymentProviderStatus[] }) {
  return (
    <Card data-testid="payment-providers">
      <Title>Payment providers</Title>
      <Text>Configured in the server&apos;s environment.</Text>
      <ul className="mt-4 divide-y divide-gray-100">
        {providers.map((provider) => (
          <li key={provider.name} className="py-3 first:pt-0 last:pb-0" data-testid="payment-provider" data-provider={provider.name}>
            <div className="flex items-center justify-between gap-2">
              <span className="text-sm font-medium text-gray-900">{provider.label}</span>
              {provider.configured ? (
                <Badge color="emerald" size="xs">
                  configured
                </Badge>
              ) : (
                <Badge color="gray" size="xs">
                  not configured
                </Badge>
              )}
            </div>
            <p className="mt-1 text-xs text-gray-500">
              {!provider.configured ? (
                <>
                  Set{" "}
                  {provider.missing.map((name, index) => (
                    <span key={name}>
                      {index > 0 ? ", " : ""}
                      <code className="rounded bg-gray-100 px-1 py-0.5 font-mono text-[11px] text-gray-700">{name}</code>
                    </span>
                  ))}{" "}
                  to use it.
                </>
              ) : provider.canCharge ? (
                "Admins can charge open invoices with it."
              ) : (
                "Payments are recorded by hand (Mark paid)."
              )}
            </p>
          </li>
        ))}
      </ul>
    </Card>
  );
}
