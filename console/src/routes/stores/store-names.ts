import type { Store } from '../../lib/api-types.ts';
import type { Language } from '../../lib/i18n.ts';

/** The store's name in the console's language (English falls back to the Chinese name). */
export function storeName(store: Pick<Store, 'name' | 'nameEn'>, language: Language): string {
  return language === 'en' && store.nameEn ? store.nameEn : store.name;
}
