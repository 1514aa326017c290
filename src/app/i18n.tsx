/**
 * Languages: English and 简体中文. Every string the UI shows comes from a
 * catalog; a catalog is typed so that both languages must have every key.
 * Each view keeps its own catalog (`messages.ts` beside it).
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

export type Lang = 'en' | 'zh';
export const LANGS: readonly Lang[] = ['en', 'zh'];

/** A message catalog: the same keys in both languages. `{name}` marks a value to fill in. */
export type Catalog<K extends string> = {
  readonly en: Record<K, string>;
  readonly zh: Record<K, string>;
};

export type Translate<K extends string> = (
  key: K,
  vars?: Record<string, string | number>,
) => string;

const STORAGE_KEY = 'tcp-playground.lang';

/** The browser's preferred language, or the one the user picked before. */
export function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh') return saved;
  } catch {
    // storage unavailable: fall through to the browser's language
  }
  const prefs =
    typeof navigator !== 'undefined' ? (navigator.languages ?? [navigator.language]) : [];
  for (const p of prefs) {
    const l = p.toLowerCase();
    if (l.startsWith('zh')) return 'zh';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

interface LangState {
  readonly lang: Lang;
  readonly setLang: (l: Lang) => void;
}

const LangContext = createContext<LangState>({ lang: 'en', setLang: () => undefined });

export function LangProvider({ children, lang: forced }: { children: ReactNode; lang?: Lang }) {
  const [lang, setLangState] = useState<Lang>(() => forced ?? initialLang());
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // not persisted; the choice still holds for this page
    }
    document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
  }, []);
  const value = useMemo(() => ({ lang, setLang }), [lang, setLang]);
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

export const useLang = (): LangState => useContext(LangContext);

/** Fill `{name}` placeholders. */
export function format(text: string, vars?: Record<string, string | number>): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

/** A translator for one catalog in the current language. */
export function useT<K extends string>(catalog: Catalog<K>): Translate<K> {
  const { lang } = useLang();
  return useCallback(
    (key: K, vars?: Record<string, string | number>) => format(catalog[lang][key], vars),
    [catalog, lang],
  );
}
