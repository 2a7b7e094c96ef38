// The wrapper of the dashboard's non-tRPC routes (invoice PDF, usage exports): the
// session, its role, and JSON errors in the one shape (toErrorResponse). A missing session
// is 401 JSON, never a redirect to the login page; a signed-in user without the role is 403.
import type { TSession, TSessionUser } from "@/server/auth/session";
import { AppError } from "@/server/errors/app-error";
import { toErrorResponse, type TUnexpectedErrorText } from "./error-response";

type TOptions = {
  getSession: () => Promise<TSession | null>;
  /** Who may call: admins only, or any dashboard user (admin or viewer). */
  role: "admin" | "any";
  /** What a signed-out caller is told ("Sign in to download invoices."). */
  signInMessage: string;
  /** What a viewer is told where admins only may call. */
  forbiddenMessage?: string;
};

export function withAdminSession<TArgs extends unknown[]>(
  options: TOptions,
  unexpected: (...args: TArgs) => TUnexpectedErrorText,
  handler: (user: TSessionUser, ...args: TArgs) => Promise<Response>,
) {
  return async (...args: TArgs): Promise<Response> => {
    try {
      const session = await options.getSession();
      if (!session) throw new AppError("UNAUTHORIZED", options.signInMessage);
      if (options.role === "admin" && session.user.role !== "admin") {
        throw new AppError("FORBIDDEN", options.forbiddenMessage ?? "Only admins can do this.");
      }
      return await handler(session.user, ...args);
    } catch (error) {
      return toErrorResponse(error, unexpected(...args));
    }
  };
}
