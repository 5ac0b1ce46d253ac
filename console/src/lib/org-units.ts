// Org units as the console needs them: the flat list from the API turned into a tree.
import { useQuery } from '@tanstack/react-query';
import { api } from './api-client.ts';
import type { OrgUnit } from './api-types.ts';
import { useAuth } from './auth.tsx';
import type { Language } from './i18n.ts';

export interface OrgTreeNode {
  unit: OrgUnit;
  children: OrgTreeNode[];
}

export const orgUnitsQueryKey = ['org-units'] as const;

/** The caller's visible org units, flat, parents first (none without org:read). */
export function useOrgUnits() {
  const { can } = useAuth();
  return useQuery({
    queryKey: orgUnitsQueryKey,
    queryFn: async () => (await api.get<{ data: OrgUnit[] }>('/org-units')).data,
    staleTime: 60_000,
    enabled: can('org:read'),
  });
}

/**
 * Builds the tree from the flat list; a unit whose parent is not visible to the caller
 * (a region manager sees their region, not the group) becomes a root.
 */
export function buildOrgTree(units: readonly OrgUnit[]): OrgTreeNode[] {
  const nodes = new Map<string, OrgTreeNode>();
  for (const unit of units) nodes.set(unit.id, { unit, children: [] });
  const roots: OrgTreeNode[] = [];
  for (const unit of units) {
    const node = nodes.get(unit.id);
    const parent = unit.parentId ? nodes.get(unit.parentId) : undefined;
    if (!node) continue;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const byCode = (a: OrgTreeNode, b: OrgTreeNode) => a.unit.code.localeCompare(b.unit.code);
  const sortDeep = (list: OrgTreeNode[]) => {
    list.sort(byCode);
    for (const node of list) sortDeep(node.children);
  };
  sortDeep(roots);
  return roots;
}

/** The unit's name in the console's language (English falls back to the Chinese name). */
export function orgUnitName(unit: Pick<OrgUnit, 'name' | 'nameEn'>, language: Language): string {
  return language === 'en' && unit.nameEn ? unit.nameEn : unit.name;
}
