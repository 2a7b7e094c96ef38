import { redirect } from "next/navigation";
import { getSession } from "@/server/auth/auth-options";
import { LoginForm } from "./login-form";

export const metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  // Only same-site paths: an open redirect after login would be a phishing aid.
  const target = callbackUrl?.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/";
  if (await getSession()) redirect(target);
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-lg border border-gray-200 bg-white p-8 shadow-sm">
        <h1 className="text-xl font-semibold">Meterline</h1>
        <p className="mb-6 mt-1 text-sm text-gray-500">Sign in to manage plans, usage and billing.</p>
        <LoginForm callbackUrl={target} />
      </div>
    </main>
  );
}
