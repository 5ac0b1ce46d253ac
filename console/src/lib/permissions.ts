// The permissions the console checks before it shows an action. The server decides anyway;
// hiding what would be refused only spares the user a 403.

/** The permission names the console asks about, as the Session's `permissions` lists them. */
export type Permission =
  | 'org:read'
  | 'org:write'
  | 'stores:read'
  | 'stores:write'
  | 'stores:lifecycle'
  | 'stores:create'
  | 'stores:import'
  | 'users:read'
  | 'users:write'
  | 'apikeys:manage'
  | 'audit:read'
  | 'devices:read'
  | 'devices:write'
  | 'devices:rpc'
  | 'devices:profiles'
  | 'alarms:read'
  | 'alarms:ack'
  | 'customers:read'
  | 'customers:write'
  | 'customers:privacy'
  | 'sources:manage'
  | 'segments:manage'
  | 'tasks:read'
  | 'tasks:manage'
  | 'tasks:execute'
  | 'tasks:approve'
  | 'audits:read'
  | 'audits:run'
  | 'files:read'
  | 'files:write'
  | 'webhooks:manage'
  | 'maintenance:read'
  | 'maintenance:work'
  | 'maintenance:write'
  | 'maintenance:approve'
  | 'maintenance:configure'
  | 'marketing:read'
  | 'marketing:write'
  | 'marketing:channels';

/** True when `granted` includes `permission`, directly or through a `resource:*` or `*` wildcard. */
export function hasPermission(granted: readonly string[], permission: Permission): boolean {
  const resource = permission.split(':')[0];
  return granted.some((name) => name === permission || name === '*' || name === `${resource}:*`);
}
