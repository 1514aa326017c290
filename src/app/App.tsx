import { Suspense, lazy, useEffect, useMemo, useState } from 'react';
import { LANGS, LangProvider, useLang, useT, type Lang } from './i18n';
import { HeaderInspector } from './inspector/HeaderInspector';
import { Ladder } from './ladder/Ladder';
import { Toolbar } from './lessons/Toolbar';
import { StepArea } from './walkthrough/StepArea';
import { StateStrip } from './panels/StateStrip';
import { messages } from './messages';
import { EndpointPanel } from './panels/EndpointPanel';
import { TimeBar } from './panels/TimeBar';
import type { OpenBudget } from './lessons/open-protocol';
import { Session } from './session';
import { SessionContext } from './use-session';
import './theme.css';
import './app.css';

// The state diagram (its layout, drawing and labels) comes in a chunk of its own
// right after the page: that keeps the first download within its 150 KB budget.
const StateDiagram = lazy(() =>
  import('./diagram/StateDiagram').then((m) => ({ default: m.StateDiagram })),
);

// Below the first screen: loaded after it, in their own chunk.
const LinkPanel = lazy(() => import('./panels/LinkPanel').then((m) => ({ default: m.LinkPanel })));
const EventLog = lazy(() => import('./panels/EventLog').then((m) => ({ default: m.EventLog })));
// The graphs load when first opened: their own chunk.
const Graphs = lazy(() => import('./graphs/Graphs').then((m) => ({ default: m.Graphs })));

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
      <div className="app-brand">
        <h1>{t('title')}</h1>
        <p className="tagline">{t('tagline')}</p>
      </div>
      <Toolbar />
      <div className="app-settings">
        <label>
          <span className="app-setting-name">{t('language')}</span>{' '}
          <select value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
            {LANGS.map((l) => (
              <option key={l} value={l}>
                {l === 'en' ? 'English' : '简体中文'}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="app-setting-name">{t('theme')}</span>{' '}
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

/** The diagram's box while its chunk loads: the same heading, so nothing jumps. */
function DiagramPlaceholder() {
  const t = useT(messages);
  return (
    <section className="dg" aria-busy="true">
      <h2>{t('tabDiagram')}</h2>
    </section>
  );
}

/** What a narrow screen shows: one view at a time, chosen with these tabs. */
type View = 'ladder' | 'diagram' | 'panels' | 'inspector' | 'graphs';
const VIEWS: readonly View[] = ['ladder', 'diagram', 'panels', 'inspector', 'graphs'];
const VIEW_LABEL = {
  ladder: 'tabTimeline',
  diagram: 'tabDiagram',
  panels: 'tabEndpoints',
  inspector: 'tabInspector',
  graphs: 'tabGraphs',
} as const;

/**
 * The graphs' box, below the first screen on a wide screen (the Graphs tab on a
 * phone): closed at first, so their code loads only when someone opens them.
 */
function GraphsPane({ open, setOpen }: { open: boolean; setOpen: (o: boolean) => void }) {
  const t = useT(messages);
  return (
    <section className="panel graphs-pane" aria-labelledby="graphs-pane-h">
      <div className="graphs-head">
        <h2 id="graphs-pane-h">{t('tabGraphs')}</h2>
        <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? t('graphsHide') : t('graphsShow')}
        </button>
        {!open && <p className="graphs-about">{t('graphsAbout')}</p>}
      </div>
      {open && (
        <Suspense fallback={<p className="graphs-about">…</p>}>
          <Graphs />
        </Suspense>
      )}
    </section>
  );
}

function ViewTabs({ view, setView }: { view: View; setView: (v: View) => void }) {
  const t = useT(messages);
  return (
    <nav className="view-tabs" aria-label={t('views')}>
      {VIEWS.map((v) => (
        <button
          key={v}
          type="button"
          aria-pressed={view === v}
          onClick={() => {
            setView(v);
            window.scrollTo({ top: 0 });
          }}
        >
          {t(VIEW_LABEL[v])}
        </button>
      ))}
    </nav>
  );
}

/**
 * Keep --header-h and --footer-h on the root equal to the header's and the time
 * bar's heights, so the first screen's two rows fill exactly the rest of the window.
 */
function useBarHeights(): void {
  useEffect(() => {
    const root = document.documentElement;
    const header = document.querySelector<HTMLElement>('.app-header');
    const footer = document.querySelector<HTMLElement>('.app-footer');
    if (!header || !footer) return;
    const measure = () => {
      root.style.setProperty('--header-h', `${header.offsetHeight}px`);
      root.style.setProperty('--footer-h', `${footer.offsetHeight}px`);
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(header);
    ro.observe(footer);
    return () => ro.disconnect();
  }, []);
}

function Layout() {
  useBarHeights();
  const [theme, setThemeState] = useState<Theme>(readTheme);
  const [view, setViewState] = useState<View>('ladder');
  const [graphsOpen, setGraphsOpen] = useState(false);
  const setView = (v: View) => {
    setViewState(v);
    if (v === 'graphs') setGraphsOpen(true);
  };
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
  // The first screen: the endpoints either side of the ladder, and under them the
  // state diagram, the step at the cursor and the header inspector, all in sight at
  // once on a laptop screen. On a narrow screen one view shows at a time (ViewTabs),
  // under a strip with both endpoints' states.
  return (
    <>
      <Header theme={theme} setTheme={setTheme} />
      <StateStrip />
      <ViewTabs view={view} setView={setView} />
      <main className="app-main" data-view={view}>
        <div className="area area-client" data-pane="panels">
          <EndpointPanel side="client" />
        </div>
        <div className="area area-ladder panel ladder-panel" data-pane="ladder">
          <Ladder />
        </div>
        <div className="area area-server" data-pane="panels">
          <EndpointPanel side="server" />
        </div>
        <div className="area area-diagram panel" data-pane="diagram">
          <Suspense fallback={<DiagramPlaceholder />}>
            <StateDiagram />
          </Suspense>
        </div>
        <div className="area area-step panel" data-pane="ladder">
          <StepArea />
        </div>
        <div className="area area-inspector panel" data-pane="inspector">
          <HeaderInspector />
        </div>
      </main>
      <div className="app-more" data-view={view}>
        <GraphsPane open={graphsOpen} setOpen={setGraphsOpen} />
        <Suspense fallback={null}>
          <div className="panel">
            <LinkPanel />
          </div>
          <div className="panel">
            <EventLog />
          </div>
        </Suspense>
      </div>
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
