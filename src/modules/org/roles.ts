/** Every permission the foundation knows; later modules add theirs to `rolePermissions`. */
export const permissions = [
  'org:read',
  'org:write',
  'stores:read',
  'stores:write',
  'stores:lifecycle',
  'stores:create',
  'stores:import',
  'users:read',
  'users:write',
  'apikeys:manage',
  'audit:read',
  'devices:read',
  'devices:write',
  'devices:rpc',
  'devices:profiles',
  'alarms:read',
  'alarms:ack',
  'customers:read',
  'customers:write',
  'customers:privacy',
  'sources:manage',
  'segments:manage',
  'files:read',
  'files:write',
  'webhooks:manage',
  'maintenance:read',
  'maintenance:work',
  'maintenance:write',
  'maintenance:approve',
  'maintenance:configure',
  'tasks:read',
  'tasks:manage',
  'tasks:execute',
  'tasks:approve',
  'audits:read',
  'audits:run',
  'marketing:read',
  'marketing:write',
  'marketing:channels',
] as const;

export type Permission = (typeof permissions)[number];

export const roles = [
  'hq_admin',
  'region_manager',
  'store_manager',
  'associate',
  'technician',
  'marketer',
  'merchant_partner',
  'viewer',
] as const;

export type Role = (typeof roles)[number];

/** The permission matrix (docs/permissions.md): what each role may do inside the subtree it is granted on. */
export const rolePermissions: Record<Role, readonly Permission[]> = {
  hq_admin: permissions,
  region_manager: [
    'org:read',
    'stores:read',
    'stores:write',
    'stores:lifecycle',
    'stores:create',
    'users:read',
    'users:write',
    'audit:read',
    'devices:read',
    'devices:write',
    'devices:rpc',
    'alarms:read',
    'alarms:ack',
    'customers:read',
    'files:read',
    'files:write',
    'maintenance:read',
    'maintenance:work',
    'maintenance:write',
    'maintenance:approve',
    'tasks:read',
    'tasks:manage',
    'tasks:execute',
    'tasks:approve',
    'audits:read',
    'audits:run',
  ],
  store_manager: [
    'org:read',
    'stores:read',
    'stores:write',
    'users:read',
    'devices:read',
    'devices:rpc',
    'alarms:read',
    'alarms:ack',
    'customers:read',
    'files:read',
    'files:write',
    'maintenance:read',
    'maintenance:write',
    'maintenance:approve',
    'tasks:read',
    'tasks:execute',
    'tasks:approve',
    'audits:read',
  ],
  associate: [
    'org:read',
    'stores:read',
    'devices:read',
    'alarms:read',
    'customers:read',
    'files:read',
    'files:write',
    'maintenance:read',
    'tasks:read',
    'tasks:execute',
    'audits:read',
  ],
  technician: [
    'org:read',
    'stores:read',
    'devices:read',
    'devices:write',
    'devices:rpc',
    'alarms:read',
    'alarms:ack',
    'files:read',
    'files:write',
    'maintenance:read',
    'maintenance:work',
    'maintenance:write',
  ],
  marketer: ['org:read', 'stores:read', 'customers:read', 'segments:manage', 'marketing:read', 'marketing:write'],
  merchant_partner: ['stores:read'],
  viewer: ['org:read', 'stores:read', 'devices:read', 'alarms:read', 'files:read', 'maintenance:read', 'tasks:read', 'audits:read'],
};

const sets = new Map<string, ReadonlySet<string>>(Object.entries(rolePermissions).map(([r, p]) => [r, new Set(p)]));

/** The permissions a role carries (an empty set for an unknown role). */
export function permissionsOf(role: string): ReadonlySet<string> {
  return sets.get(role) ?? new Set();
}

/** Whether a role's permissions are all held by the given set: nobody grants more than they have. */
export function roleWithin(role: string, held: (p: string) => boolean): boolean {
  return [...permissionsOf(role)].every((p) => held(p));
}
