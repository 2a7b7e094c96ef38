import { z } from "zod";

export const ZAdminRole = z.enum(["admin", "viewer"]);
export type TAdminRole = z.infer<typeof ZAdminRole>;

/** What the app knows about a signed-in admin; carried in the next-auth JWT. */
export const ZSessionUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: ZAdminRole,
});
export type TSessionUser = z.infer<typeof ZSessionUser>;
export type TSession = { user: TSessionUser };
