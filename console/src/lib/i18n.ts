// i18next set-up: zh-CN and en dictionaries, the choice remembered in localStorage, and the
// matching antd and dayjs locales.
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import customersEn from '../i18n/customers.en.json';
import customersZh from '../i18n/customers.zh-CN.json';
import enBase from '../i18n/en.json';
import journeysEn from '../i18n/journeys.en.json';
import journeysZh from '../i18n/journeys.zh-CN.json';
import maintenanceEn from '../i18n/maintenance.en.json';
import maintenanceZh from '../i18n/maintenance.zh-CN.json';
import marketingEn from '../i18n/marketing.en.json';
import marketingZh from '../i18n/marketing.zh-CN.json';
import operationsEn from '../i18n/operations.en.json';
import operationsZh from '../i18n/operations.zh-CN.json';
import zhBase from '../i18n/zh-CN.json';

export type Language = 'zh-CN' | 'en';
export const languages: readonly Language[] = ['zh-CN', 'en'];

/** Where the chosen language is kept between visits. */
export const languageStorageKey = 'storeos.lang';

// One dictionary per language: the platform's, and one file per module area (each under its own top-level key),
// so each area's words live next to each other.
const en = { ...enBase, ...customersEn, ...operationsEn, ...maintenanceEn, ...marketingEn, ...journeysEn };
const zhCN = { ...zhBase, ...customersZh, ...operationsZh, ...maintenanceZh, ...marketingZh, ...journeysZh };

// Each dictionary must have every key of the other: a missing key fails the type check here.
const enComplete: typeof zhCN = en;
const zhComplete: typeof en = zhCN;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof zhCN };
  }
}

/** The language to start in: the remembered choice, else the browser's (zh → zh-CN, else en). */
export function detectLanguage(): Language {
  const stored = readStoredLanguage();
  if (stored) return stored;
  const preferred = typeof navigator === 'undefined' ? 'en' : navigator.language;
  return preferred.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function readStoredLanguage(): Language | null {
  try {
    const value = localStorage.getItem(languageStorageKey);
    return languages.find((language) => language === value) ?? null;
  } catch {
    return null; // storage blocked (private mode): fall back to the browser's language
  }
}

function applyDocumentLanguage(language: Language): void {
  document.documentElement.lang = language;
  dayjs.locale(language === 'zh-CN' ? 'zh-cn' : 'en');
}

export const i18n = i18next.createInstance();

/** Loads the dictionaries and picks the starting language; call once before rendering. */
export async function initI18n(): Promise<void> {
  const language = detectLanguage();
  await i18n.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: zhComplete }, en: { translation: enComplete } },
    lng: language,
    fallbackLng: 'en',
    supportedLngs: [...languages],
    interpolation: { escapeValue: false }, // React escapes already
    returnNull: false,
    showSupportNotice: false,
  });
  applyDocumentLanguage(language);
}

/** Switches the console's language and remembers the choice. */
export async function changeLanguage(language: Language): Promise<void> {
  try {
    localStorage.setItem(languageStorageKey, language);
  } catch {
    // not remembered, but still switched
  }
  await i18n.changeLanguage(language);
  applyDocumentLanguage(language);
}

/** The current language as one of the two the console speaks. */
export function currentLanguage(): Language {
  return i18n.resolvedLanguage === 'zh-CN' || i18n.language === 'zh-CN' ? 'zh-CN' : 'en';
}

/** The console's current language; re-renders on a switch. */
export function useLanguage(): Language {
  const { i18n: instance } = useTranslation();
  return instance.language === 'zh-CN' ? 'zh-CN' : 'en';
}
