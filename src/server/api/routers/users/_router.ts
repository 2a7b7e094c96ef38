import { z } from "zod";
import { adminProcedure, createTRPCRouter } from "@/server/api/trpc";
import {
  ZAddAdminUserInput,
  ZAdminUserRow,
  ZIssuedPassword,
  ZResetAdminPasswordInput,
  ZSetAdminRoleInput,
  ZSetAdminUserActiveInput,
  addAdminUser,
  listAdminUsers,
  resetAdminPassword,
  setAdminRole,
  setAdminUserActive,
} from "@/server/auth/admin-users";
import { ZAdminRole } from "@/server/auth/session";
import { clockNow } from "@/server/clock";

/** The dashboard's users: admins only, viewers included in what they cannot see. */
export const usersRouter = createTRPCRouter({
  list: adminProcedure.output(z.array(ZAdminUserRow)).query(({ ctx }) => listAdminUsers(ctx.db, clockNow())),

  /** The temporary password is in this response only. */
  add: adminProcedure
    .input(ZAddAdminUserInput)
    .output(ZIssuedPassword)
    .mutation(({ ctx, input }) => addAdminUser(ctx.db, input, ctx.session.user, clockNow())),

  setRole: adminProcedure
    .input(ZSetAdminRoleInput)
    .output(z.object({ id: z.string(), role: ZAdminRole }))
    .mutation(({ ctx, input }) => setAdminRole(ctx.db, input, ctx.session.user, clockNow())),

  setActive: adminProcedure
    .input(ZSetAdminUserActiveInput)
    .output(z.object({ id: z.string(), active: z.boolean() }))
    .mutation(({ ctx, input }) => setAdminUserActive(ctx.db, input, ctx.session.user, clockNow())),

  /** The temporary password is in this response only. */
  resetPassword: adminProcedure
    .input(ZResetAdminPasswordInput)
    .output(ZIssuedPassword)
    .mutation(({ ctx, input }) => resetAdminPassword(ctx.db, input, ctx.session.user, clockNow())),
});
