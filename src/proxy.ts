// Sends signed-out visitors of dashboard pages to the login page before anything
// renders. An optimistic check only: every page reads data through role-checked tRPC
// procedures, which are the real boundary.
import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/env";

export async function proxy(request: NextRequest) {
  const token = await getToken({ req: request, secret: env().NEXTAUTH_SECRET });
  if (token) return NextResponse.next();
  const login = new URL("/login", request.url);
  const path = `${request.nextUrl.pathname}${request.nextUrl.search}`;
  if (path !== "/") login.searchParams.set("callbackUrl", path);
  return NextResponse.redirect(login);
}

export const config = {
  // Everything but the public parts: APIs (they answer 401 themselves), login, the
  // widget and its demo page, Next's assets.
  matcher: ["/((?!api/|login|demo|widget\\.js|_next/|favicon\\.ico|docs/).*)"],
};
