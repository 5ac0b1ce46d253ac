import { AppError } from './errors.ts';

/** A role granted on an org-unit subtree, with the permissions that role carries. */
export interface ActorGrant {
  id: string;
  role: string;
  orgUnitId: string;
  orgUnitName: string;
  /** Materialised path of the granted unit (`/ou_a/ou_b/`); the grant covers every path starting with it. */
  path: string;
  permissions: ReadonlySet<string>;
}

/** Who is calling: a signed-in person, an API key, or the system itself. */
export interface Actor {
  tenantId: string;
  tenantSlug: string;
  kind: 'user' | 'api_key' | 'system';
  id: string;
  label: string;
  grants: ActorGrant[];
}

/** The paths under which the actor holds a permission, nested ones dropped (a region inside a granted BU adds nothing). */
export function scopePaths(actor: Actor, permission: string): string[] {
  const paths = actor.grants.filter((g) => g.permissions.has(permission)).map((g) => g.path);
  paths.sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const p of paths) if (!kept.some((k) => p.startsWith(k))) kept.push(p);
  return kept;
}

/** Whether the actor holds the permission anywhere, or on the unit at `path` when given. */
export function can(actor: Actor, permission: string, path?: string): boolean {
  return actor.grants.some((g) => g.permissions.has(permission) && (path === undefined || path.startsWith(g.path)));
}

/** The paths for a list query; refuses with 403 when the actor holds the permission nowhere. */
export function requireScope(actor: Actor, permission: string): string[] {
  const paths = scopePaths(actor, permission);
  if (paths.length === 0) throw new AppError('forbidden', `your role does not allow ${permission}`);
  return paths;
}

/** Refuses with 403 unless the actor holds the permission on the unit at `path` (or anywhere, without a path). */
export function requirePermission(actor: Actor, permission: string, path?: string): void {
  if (!can(actor, permission, path)) throw new AppError('forbidden', `your role does not allow ${permission} here`);
}

/** The system actor for seeds, imports from the CLI and flows. */
export function systemActor(tenantId: string, tenantSlug: string, label = 'system'): Actor {
  return {
    tenantId,
    tenantSlug,
    kind: 'system',
    id: 'system',
    label,
    grants: [{ id: 'system', role: 'system', orgUnitId: '', orgUnitName: '', path: '/', permissions: allPermissions }],
  };
}

const allPermissions: ReadonlySet<string> = new Proxy(new Set<string>(), {
  get(target, prop) {
    if (prop === 'has') return () => true;
    return Reflect.get(target, prop);
  },
});
