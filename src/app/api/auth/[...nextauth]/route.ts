import NextAuth from "next-auth";
import { authOptions } from "@/server/auth/auth-options";

type TRouteContext = { params: Promise<{ nextauth: string[] }> };

async function handler(request: Request, context: TRouteContext) {
  return NextAuth(request as never, context as never, authOptions()) as Promise<Response>;
}

export { handler as GET, handler as POST };
