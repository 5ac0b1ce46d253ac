import { useMemo } from 'react';
import type { Store } from '../../lib/api-types.ts';
import { type Language, useLanguage } from '../../lib/i18n.ts';
import { orgUnitName, useOrgUnits } from '../../lib/org-units.ts';

/** The store's name in the console's language (English falls back to the Chinese name). */
export function storeName(store: Pick<Store, 'name' | 'nameEn'>, language: Language): string {
  return language === 'en' && store.nameEn ? store.nameEn : store.name;
}

/**
 * Names a store's parent unit (its region) in the console's language: the API gives the Chinese
 * `parentName`; the English one comes from the org tree, which the console has loaded anyway.
 */
export function useParentName(): (store: Pick<Store, 'parentOrgUnitId' | 'parentName'>) => string {
  const language = useLanguage();
  const units = useOrgUnits();
  const byId = useMemo(() => new Map((units.data ?? []).map((unit) => [unit.id, unit])), [units.data]);
  return (store) => {
    const parent = byId.get(store.parentOrgUnitId);
    return parent ? orgUnitName(parent, language) : store.parentName;
  };
}
