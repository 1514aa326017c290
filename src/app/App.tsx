import { useEffect, useMemo, useState } from 'react';
import { StateDiagram } from './diagram/StateDiagram';
import { LANGS, LangProvider, useLang, useT, type Lang } from './i18n';
import { HeaderInspector } from './inspector/HeaderInspector';
import { Ladder } from './ladder/Ladder';
import { Toolbar } from './lessons/Toolbar';
import { WalkthroughSlot } from './walkthrough/WalkthroughSlot';
import { messages } from './messages';
import { EndpointPanel } from './panels/EndpointPanel';
import { EventLog } from './panels/EventLog';
import { LinkPanel } from './panels/LinkPanel';
import { TimeBar } from './panels/TimeBar';
import type { OpenBudget } from './lessons/open-protocol';
import { Session } from './session';
import { SessionContext } from './use-session';
import './theme.css';
import './app.css';

declare global {
  interface Window {
    /**
     * The typed hook end-to-end tests and benchmarks use to reach the session;
     * `budget`, when set, replaces the work budget for opening files and links
     * (lessons/open-protocol.ts) — a test raises it to hold the worker busy.
     */
    tcpPlayground?: { session: Session; budget?: OpenBudget };
  }
}

type Theme = 'system' | 'light' | 'dark';
const THEME_KEY = 'tcp-playground.theme';

function readTheme(): Theme {
  try {
    const t = localStorage.getItem(THEME_KEY);
    if (t === 'light' || t === 'dark') return t;
  } catch {
    // storage unavailable
  }
  return 'system';
}

/** Drives playback: one tick of the session per animation frame while playing. */
function usePlayback(session: Session): void {
  useEffect(() => {
    let raf = 0;
    let last = performance.now();
    const frame = (now: number) => {
      const dt = Math.min(now - last, 100);
      last = now;
      if (session.playing) session.tick(dt);
      raf = requestAnimationFrame(frame);
    };
    raf = requestAnimationFrame(frame);
    return () => cancelAnimationFrame(raf);
  }, [session]);
}

function Header({ theme, setTheme }: { theme: Theme; setTheme: (t: Theme) => void }) {
  const t = useT(messages);
  const { lang, setLang } = useLang();
  useEffect(() => {
    document.title = t('title');
  }, [t]);
  return (
    <header className="app-header">
      <div>
        <h1>{t('title')}</h1>
        <p className="tagline">{t('tagline')}</p>
      </div>
      <div className="app-settings">
        <label>
          {t('language')}{' '}
          <select value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
            {LANGS.map((l) => (
              <option key={l} value={l}>
                {l === 'en' ? 'English' : '简体中文'}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('theme')}{' '}
          <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
            <option value="system">{t('themeSystem')}</option>
            <option value="light">{t('themeLight')}</option>
            <option value="dark">{t('themeDark')}</option>
          </select>
        </label>
      </div>
    </header>
  );
}

function Layout() {
  const [theme, setThemeState] = useState<Theme>(readTheme);
  const setTheme = (th: Theme) => {
    setThemeState(th);
    try {
      localStorage.setItem(THEME_KEY, th);
    } catch {
      // not persisted
    }
  };
  useEffect(() => {
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <>
      <Header theme={theme} setTheme={setTheme} />
      <Toolbar />
      <main className="app-main">
        <div className="row-top">
          <EndpointPanel side="client" />
          <div className="panel ladder-panel">
            <Ladder />
          </div>
          <EndpointPanel side="server" />
        </div>
        <div className="row-middle">
          <div className="panel">
            <StateDiagram />
          </div>
          <div className="panel">
            <HeaderInspector />
          </div>
        </div>
        <div className="row-bottom">
          <div className="panel">
            <LinkPanel />
          </div>
          <div className="panel">
            <EventLog />
          </div>
          <div className="panel walkthrough-panel">
            <WalkthroughSlot />
          </div>
        </div>
      </main>
      <footer className="app-footer">
        <TimeBar />
      </footer>
    </>
  );
}

export function App({ lang }: { lang?: Lang } = {}) {
  const session = useMemo(() => new Session(), []);
  usePlayback(session);
  useEffect(() => {
    window.tcpPlayground = { session };
  }, [session]);
  return (
    <SessionContext.Provider value={session}>
      <LangProvider lang={lang}>
        <Layout />
      </LangProvider>
    </SessionContext.Provider>
  );
}
