import { Badge, Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from "@tremor/react";
import { AdminRequired } from "@/components/admin-required";
import { formatDate, formatDateTime } from "@/components/display-format";
import { PageHeader } from "@/components/page-header";
import { getSession } from "@/server/auth/auth-options";
import { api } from "@/trpc/server";
import { AddUserButton, UserActions } from "./user-actions";

export const metadata = { title: "Users" };

export default async function UsersPage() {
  const session = await getSession();
  if (session?.user.role !== "admin") {
    return (
      <div>
        <PageHeader title="Users" />
        <AdminRequired action="add or change dashboard users" backHref="/" backLabel="Back to the overview" />
      </div>
    );
  }
  const users = await api.users.list();
  const activeAdmins = users.filter((user) => user.role === "admin" && user.deactivatedAt === null).length;
  return (
    <div>
      <PageHeader
        title="Users"
        description="Who can sign in to this dashboard. Admins change things; viewers read everything. Role changes, password resets and deactivation apply on the user's next click."
        actions={<AddUserButton />}
      />
      <Card className="p-0">
        <Table data-testid="users">
          <TableHead>
            <TableRow>
              <TableHeaderCell>User</TableHeaderCell>
              <TableHeaderCell>Role</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
              <TableHeaderCell>Last sign-in</TableHeaderCell>
              <TableHeaderCell className="text-right">Actions</TableHeaderCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {users.map((user) => {
              const active = user.deactivatedAt === null;
              const you = user.id === session.user.id;
              return (
                <TableRow key={user.id} data-testid="user-row" data-email={user.email} className={active ? undefined : "opacity-60"}>
                  <TableCell className="max-w-56">
                    <div className="truncate font-medium text-gray-900">
                      {user.name}
                      {you ? <span className="ml-2 text-xs font-normal text-gray-500">(you)</span> : null}
                    </div>
                    <div className="truncate text-xs text-gray-500" title={user.email}>
                      {user.email}
                    </div>
                  </TableCell>
                  <TableCell data-testid="user-role">{user.role}</TableCell>
                  <TableCell>
                    <Badge color={active ? "emerald" : "gray"} data-testid="user-status">
                      {active ? "active" : "deactivated"}
                    </Badge>
                    {active ? null : <span className="mt-1 block text-xs text-gray-500">since {formatDate(user.deactivatedAt!)}</span>}
                  </TableCell>
                  <TableCell className="text-xs">
                    {user.lastLoginAt ? formatDateTime(user.lastLoginAt) : <span className="text-gray-400">never</span>}
                    <span className="block text-gray-500" data-testid="user-sessions">
                      {user.liveSessions === 0 ? "signed out" : user.liveSessions === 1 ? "signed in on 1 browser" : `signed in on ${user.liveSessions} browsers`}
                    </span>
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-right">
                    <UserActions
                      user={{ id: user.id, email: user.email, name: user.name, role: user.role, active }}
                      isLastAdmin={user.role === "admin" && active && activeAdmins <= 1}
                      isYou={you}
                    />
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </Card>
    </div>
  );
}
