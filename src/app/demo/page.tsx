// A public demo of the chat widget embed: a made-up tenant page (the seeded free-plan
// client Pixel Pantry) with the one-line <script> tag, exactly as a tenant would add it.
// No login: the proxy's matcher leaves /demo and /widget.js alone.
import Link from "next/link";
import { env } from "@/env";
import { DEMO_WIDGET_KEY, DEMO_WIDGET_ORIGINS } from "@/server/seed/demo-catalogue";

export const metadata = { title: "Pixel Pantry help center (widget demo)" };
// The snippet names this instance's public URL, read at request time.
export const dynamic = "force-dynamic";

const WIDGET_TITLE = "Pixel Pantry support";

const TOPICS: { title: string; questions: [string, string][] }[] = [
  {
    title: "Orders & delivery",
    questions: [
      ["When will my order arrive?", "Orders placed before 2 pm ship the same day; standard delivery takes 2-4 working days."],
      ["Can I change my delivery address?", "Yes, until the order ships: open it under My orders and choose Edit address."],
    ],
  },
  {
    title: "Returns & refunds",
    questions: [
      ["How do I return an item?", "Returns are free within 30 days. Start one from My orders and print the label."],
      ["When do I get my money back?", "Refunds go to your original payment method within 5 working days of the item reaching us."],
    ],
  },
  {
    title: "Payments",
    questions: [
      ["Which payment methods do you accept?", "Cards, PayPal and bank transfer. Gift cards can be combined with any of them."],
      ["Why was my card declined?", "Usually a daily limit or a mistyped security code; your bank can tell you which."],
    ],
  },
  {
    title: "Your account",
    questions: [
      ["I forgot my password.", "Use Forgot password on the sign-in page; the reset link is valid for one hour."],
      ["How do I unsubscribe from emails?", "Every email has an unsubscribe link at the bottom, or change it under Account > Emails."],
    ],
  },
];

export default function WidgetDemoPage() {
  const widgetUrl = new URL("/widget.js", env().NEXTAUTH_URL).toString();
  const snippet = `<script src="${widgetUrl}" data-key="${DEMO_WIDGET_KEY}" async></script>`;

  return (
    <div className="min-h-screen bg-white">
      <div role="note" className="border-b border-amber-200 bg-amber-50 px-4 py-2 text-center text-sm text-amber-900">
        Demo of the Meterline chat widget: a made-up tenant page. The chat button at the bottom right is the widget,
        answering through this Meterline instance and metered on Pixel Pantry&apos;s Free plan.{" "}
        <Link href="/" className="font-medium underline">
          Open the dashboard
        </Link>
      </div>

      <header className="border-b border-gray-200">
        <div className="mx-auto flex max-w-5xl items-center justify-between px-6 py-4">
          <span className="whitespace-nowrap text-lg font-bold text-emerald-700">Pixel Pantry</span>
          <nav aria-label="Shop" className="flex gap-4 whitespace-nowrap text-sm text-gray-600 sm:gap-6">
            <span>Shop</span>
            <span>Recipes</span>
            <span className="font-semibold text-gray-900">Help center</span>
          </nav>
        </div>
      </header>

      <main className="mx-auto max-w-5xl px-6 py-10">
        <h1 className="text-3xl font-semibold">How can we help?</h1>
        <p className="mt-2 text-gray-600">
          Answers to the questions we hear most. Still stuck? Ask our assistant: the chat button at the bottom right.
        </p>

        <div className="mt-8 grid gap-6 sm:grid-cols-2">
          {TOPICS.map((topic) => (
            <section key={topic.title} className="rounded-lg border border-gray-200 p-5">
              <h2 className="font-semibold">{topic.title}</h2>
              {topic.questions.map(([question, answer]) => (
                <details key={question} className="mt-3 text-sm">
                  <summary className="cursor-pointer text-gray-800">{question}</summary>
                  <p className="mt-1 text-gray-600">{answer}</p>
                </details>
              ))}
            </section>
          ))}
        </div>

        <section aria-labelledby="embed-heading" className="mt-12 rounded-lg border border-gray-200 bg-gray-50 p-6">
          <h2 id="embed-heading" className="text-lg font-semibold">
            How this page embeds the chat
          </h2>
          <p className="mt-2 text-sm text-gray-600">
            One tag, anywhere in the page. The widget draws itself in a shadow root, so the page&apos;s styles and
            its own never mix.
          </p>
          <pre className="mt-4 whitespace-pre-wrap break-all rounded-md bg-gray-900 p-4 text-sm text-gray-100">
            <code>{snippet}</code>
          </pre>
          <dl className="mt-4 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
            <dt className="font-mono text-gray-800">data-key</dt>
            <dd className="text-gray-600">
              The client&apos;s publishable key (<code>pk_…</code>). It is public by nature: it only works from the
              client&apos;s allowed origins, here {DEMO_WIDGET_ORIGINS.join(", ")}.
            </dd>
            <dt className="font-mono text-gray-800">data-title</dt>
            <dd className="text-gray-600">Optional heading of the chat box (default &ldquo;Chat with us&rdquo;).</dd>
            <dt className="font-mono text-gray-800">data-api</dt>
            <dd className="text-gray-600">Optional API base URL; defaults to the origin the script is loaded from.</dd>
          </dl>
        </section>
      </main>

      <footer className="border-t border-gray-200 py-6 text-center text-xs text-gray-500">
        Pixel Pantry is a fictional shop from Meterline&apos;s demo data.
      </footer>

      {/* The embed itself, as the snippet above, relative to this instance. */}
      <script src="/widget.js" data-key={DEMO_WIDGET_KEY} data-title={WIDGET_TITLE} async />
    </div>
  );
}
