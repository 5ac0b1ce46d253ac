// Roles: their names as people read them (a role the dictionary does not know shows as its
// code) and the tenant's role list.
import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { api } from './api-client.ts';
import type { Role } from './api-types.ts';

const knownRoles = ['hq_admin', 'region_manager', 'store_manager', 'associate', 'technician', 'marketer', 'merchant_partner', 'viewer'] as const;
type KnownRole = (typeof knownRoles)[number];

function isKnownRole(role: string): role is KnownRole {
  return (knownRoles as readonly string[]).includes(role);
}

/** The role's translated name, or the role code itself for one the console does not know. */
export function roleLabel(t: TFunction, role: string): string {
  return isKnownRole(role) ? t(`roles.${role}`) : role;
}

/** The tenant's roles and their permissions (GET /roles). */
export function useRoles() {
  return useQuery({
    queryKey: ['roles'],
    queryFn: async () => (await api.get<{ data: Role[] }>('/roles')).data,
    staleTime: 5 * 60_000,
  });
}
