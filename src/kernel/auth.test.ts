import { describe, expect, it } from 'vitest';
import { permissionsOf } from '../modules/org/roles.ts';
import { type Actor, type ActorGrant, can, requirePermission, requireScope, scopePaths, systemActor } from './auth.ts';
import { AppError } from './errors.ts';

const grant = (role: string, path: string): ActorGrant => ({
  id: `grt_${path}`,
  role,
  orgUnitId: path,
  orgUnitName: path,
  path,
  permissions: permissionsOf(role),
});
const actor = (...grants: ActorGrant[]): Actor => ({ tenantId: 'ten_a', tenantSlug: 'a', kind: 'user', id: 'usr_a', label: 'a@example.com', grants });

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('scopePaths', () => {
  it('keeps one path per subtree: a region inside a granted business unit adds nothing', () => {
    const a = actor(grant('region_manager', '/g/bu/r1/'), grant('region_manager', '/g/bu/'), grant('region_manager', '/g/bu2/r9/'));
    expect(scopePaths(a, 'stores:read').sort()).toEqual(['/g/bu/', '/g/bu2/r9/']);
  });

  it('does not treat a sibling whose id shares a prefix as nested', () => {
    const a = actor(grant('viewer', '/g/r1/'), grant('viewer', '/g/r10/'));
    expect(scopePaths(a, 'stores:read').sort()).toEqual(['/g/r1/', '/g/r10/']);
  });

  it('drops a repeated path and counts only grants carrying the permission', () => {
    const a = actor(grant('viewer', '/g/r1/'), grant('store_manager', '/g/r1/'), grant('region_manager', '/g/r2/'));
    expect(scopePaths(a, 'stores:read').sort()).toEqual(['/g/r1/', '/g/r2/']);
    expect(scopePaths(a, 'stores:lifecycle')).toEqual(['/g/r2/']);
    expect(scopePaths(a, 'apikeys:manage')).toEqual([]);
  });
});

describe('can and requirePermission', () => {
  const a = actor(grant('store_manager', '/g/r1/s1/'), grant('viewer', '/g/r2/'));

  it('allows a permission on the granted unit and below, not above or beside', () => {
    expect(can(a, 'stores:write', '/g/r1/s1/')).toBe(true);
    expect(can(a, 'stores:write', '/g/r1/s1/zone/')).toBe(true);
    expect(can(a, 'stores:write', '/g/r1/')).toBe(false);
    expect(can(a, 'stores:write', '/g/r1/s10/')).toBe(false);
    expect(can(a, 'stores:write', '/g/r2/s5/')).toBe(false);
    expect(can(a, 'stores:read', '/g/r2/s5/')).toBe(true);
  });

  it('without a path, answers whether the permission is held anywhere', () => {
    expect(can(a, 'stores:write')).toBe(true);
    expect(can(a, 'users:write')).toBe(false);
  });

  it('refuses with 403 forbidden naming the permission', () => {
    expect(() => requirePermission(a, 'stores:write', '/g/r1/s1/')).not.toThrow();
    const e = refusal(() => requirePermission(a, 'stores:write', '/g/r2/s5/'));
    expect(e.kind).toBe('forbidden');
    expect(e.message).toContain('stores:write');
    expect(refusal(() => requireScope(a, 'audit:read')).kind).toBe('forbidden');
    expect(requireScope(a, 'org:read').sort()).toEqual(['/g/r1/s1/', '/g/r2/']);
  });

  it('gives nothing to an actor without grants and everything to the system actor', () => {
    expect(can(actor(), 'stores:read')).toBe(false);
    const sys = systemActor('ten_a', 'a');
    expect(can(sys, 'apikeys:manage', '/g/anything/')).toBe(true);
    expect(scopePaths(sys, 'whatever:new')).toEqual(['/']);
  });
});
