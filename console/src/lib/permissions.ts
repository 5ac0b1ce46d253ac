// The permissions the console checks before it shows an action. The server decides anyway;
// hiding what would be refused only spares the user a 403.

/** The permission names the console asks about (as listed in the Session's `permissions`). */
export type Permission =
  | 'org:read'
  | 'org:write'
  | 'stores:read'
  | 'stores:write'
  | 'users:read'
  | 'users:write'
  | 'api_keys:read'
  | 'api_keys:write'
  | 'audit:read';

// "api-keys:write", "api_keys:write" and "apiKeys:write" all name the same permission.
function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

/** True when `granted` includes `permission`, directly or through a `resource:*` or `*` wildcard. */
export function hasPermission(granted: readonly string[], permission: Permission): boolean {
  const wanted = normalize(permission);
  const resource = wanted.split(':')[0];
  return granted.some((name) => {
    const have = normalize(name);
    return have === wanted || have === '*' || have === `${resource}:*`;
  });
}
