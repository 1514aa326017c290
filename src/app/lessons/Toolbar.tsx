/**
 * Lessons and files: the scenario gallery, opening and saving scenario files
 * (picker or drag-and-drop), share links, exports (SVG, PNG, pcap) and the
 * session as C programs. Bad input is refused with a message that names the
 * problem, and the work on screen stays as it was: a file is parsed, a link
 * decoded, before anything is replaced.
 */
import { Suspense, lazy, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useLang, useT } from '../i18n';
import { useSessionQuietly } from '../use-session';
import { messages } from './messages';
import { useAutosave } from './autosave';

/** The heavier half, loaded on first use. */
const actions = () => import('./actions');
import type { OpenJob, OpenRequest } from './opener';
import type { Busy, Opening } from './opening';
const ProgressPanel = lazy(() => actions().then((m) => ({ default: m.ProgressPanel })));
const LimitNotice = lazy(() => actions().then((m) => ({ default: m.LimitNotice })));
const SavedSessions = lazy(() => import('./Sessions').then((m) => ({ default: m.SavedSessions })));
import './lessons.css';

interface GalleryEntry {
  readonly id: string;
  readonly file: string;
  readonly title: { en: string; zh: string };
  readonly summary: { en: string; zh: string };
}

/** Open a file, link or stored session (in a worker); true once it is on screen. */
export type OpenFn = (request: OpenRequest, what: Opening) => Promise<boolean>;

/** A message, with an optional action (e.g. discarding a damaged stored session). */
type Notice = {
  kind: 'ok' | 'error';
  text: string;
  action?: { label: string; run: () => void };
} | null;

function Dialog({
  open,
  title,
  onClose,
  children,
  closeLabel,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  closeLabel: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="ls-dialog" aria-label={title} onClose={onClose}>
      <div className="ls-dialog-head">
        <h2>{title}</h2>
        <button type="button" onClick={onClose}>
          {closeLabel}
        </button>
      </div>
      {open ? children : null}
    </dialog>
  );
}

export function Toolbar() {
  const session = useSessionQuietly();
  const t = useT(messages);
  const { lang } = useLang();
  const [notice, setNotice] = useState<Notice>(null);
  const [gallery, setGallery] = useState<GalleryEntry[] | null>(null);
  const [galleryOpen, setGalleryOpen] = useState(false);
  const [cOpen, setCOpen] = useState(false);
  const [link, setLink] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);
  const [sessionsOpen, setSessionsOpen] = useState(false);
  const notify = useCallback(
    (kind: 'ok' | 'error', text: string, action?: { label: string; run: () => void }) =>
      setNotice({ kind, text, action }),
    [],
  );

  // One opening at a time, in a worker (opening.ts, opener.ts): the run on
  // screen changes only once the new one is known to be good and within budget.
  const [busy, setBusy] = useState<Busy | null>(null);
  const job = useRef<OpenJob | null>(null);
  const open: OpenFn = useCallback(
    async (request, what) =>
      (await actions()).openWith({ session, lang, t, job, setBusy, setNotice }, request, what),
    [session, lang, t],
  );
  const openRef = useRef(open);
  useEffect(() => {
    openRef.current = open;
  }, [open]);
  // Leaving the page's toolbar (never, in practice) stops any opening.
  useEffect(() => () => job.current?.cancel(), []);

  const linkAtStart = location.hash.startsWith('#run=');
  useAutosave(notify, openRef, linkAtStart);

  const openText = useCallback(
    (text: string, name: string, id?: string) =>
      open({ kind: 'scenario', text, name }, { kind: 'file', text, name, id }),
    [open],
  );

  // A share link in the address opens that run — at start-up, and when one is
  // pasted into the address bar of the open page. A broken one is named and ignored.
  useEffect(() => {
    const openLink = () => {
      if (!location.hash.startsWith('#run=')) return;
      void openRef.current({ kind: 'link', url: location.href }, { kind: 'link' });
    };
    openLink();
    window.addEventListener('hashchange', openLink);
    return () => window.removeEventListener('hashchange', openLink);
  }, []);

  // Drag-and-drop a scenario file anywhere on the page.
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      const f = e.dataTransfer?.files[0];
      setDragging(false);
      if (!f) return;
      e.preventDefault();
      void f.text().then((text) => openText(text, f.name));
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [openText]);

  const showGallery = async () => {
    setGalleryOpen(true);
    if (gallery) return;
    try {
      const { readMeta } = await actions();
      const res = await fetch('/scenarios/gallery.json');
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const list = (await res.json()) as { id: string; file: string }[];
      const entries = await Promise.all(
        list.map(async (g) => {
          const text = await (await fetch(`/scenarios/${g.file}`)).text();
          const m = readMeta(text, g.file);
          return { id: g.id, file: g.file, title: m.title, summary: m.summary };
        }),
      );
      setGallery(entries);
    } catch (e) {
      setNotice({ kind: 'error', text: t('errorFetch', { name: 'gallery', message: String(e) }) });
    }
  };

  const openEntry = async (g: GalleryEntry) => {
    try {
      const res = await fetch(`/scenarios/${g.file}`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const text = await res.text();
      // The dialog is modal: closed first, so the progress bar and Cancel can be reached.
      setGalleryOpen(false);
      await openText(text, g.file, g.id);
    } catch (e) {
      setNotice({ kind: 'error', text: t('errorFetch', { name: g.file, message: String(e) }) });
    }
  };

  const share = async () => {
    const { runLink } = await actions();
    const url = runLink(session.exportRun(), location.href.split('#')[0]!);
    setLink(url);
    try {
      await navigator.clipboard.writeText(url);
      setNotice({ kind: 'ok', text: t('shareCopied') });
    } catch {
      setNotice({ kind: 'ok', text: t('shareReady') });
    }
  };

  const exportSvg = async (selector: string, base: string, png: boolean) => {
    try {
      const { download, standaloneSvg, svgToPng } = await actions();
      const svg = document.querySelector<SVGSVGElement>(selector);
      if (!svg) throw new Error(`${base} is not on the page`);
      const text = standaloneSvg(svg);
      if (!png) return download(`${base}.svg`, text, 'image/svg+xml');
      const box = svg.getBoundingClientRect();
      download(`${base}.png`, await svgToPng(text, box.width, box.height), 'image/png');
    } catch (e) {
      setNotice({ kind: 'error', text: t('exportFailed', { message: String(e) }) });
    }
  };

  const [programs, setPrograms] = useState<{ client: string; server: string } | null>(null);
  const showC = async () => {
    const { cPrograms } = await actions();
    // The calls made so far: up to the cursor, which may stand in the past.
    setPrograms(cPrograms(session.live ? session.world : session.world.fork(session.cursor)));
    setCOpen(true);
  };
  const saveFile = async () => {
    const a = await actions();
    const f = a.scenarioText(session);
    a.download(f.name, f.text, 'text/plain');
  };
  const savePcap = async () => {
    const { download, writePcap } = await actions();
    download(
      'tcp-playground.pcap',
      new Uint8Array(writePcap(session.world.trace.records)),
      'application/vnd.tcpdump.pcap',
    );
  };

  return (
    <div className="ls-bar" role="toolbar" aria-label={t('toolbar')}>
      <button type="button" onClick={() => void showGallery()}>
        {t('gallery')}
      </button>
      <button type="button" onClick={() => fileRef.current?.click()}>
        {t('openFile')}
      </button>
      <input
        ref={fileRef}
        type="file"
        accept=".scenario,.txt,text/plain"
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void f.text().then((text) => openText(text, f.name));
        }}
      />
      <button type="button" onClick={() => void saveFile()}>
        {t('saveFile')}
      </button>
      <button type="button" onClick={() => void share()}>
        {t('share')}
      </button>
      <button type="button" onClick={() => setSessionsOpen(true)}>
        {t('sessions')}
      </button>
      <button type="button" onClick={() => void showC()}>
        {t('cCode')}
      </button>
      <details className="ls-menu">
        <summary>{t('exportLabel')}</summary>
        <div className="ls-menu-items">
          <button type="button" onClick={() => void exportSvg('.ladder-svg', 'timeline', false)}>
            {t('exportLadderSvg')}
          </button>
          <button type="button" onClick={() => void exportSvg('.ladder-svg', 'timeline', true)}>
            {t('exportLadderPng')}
          </button>
          <button type="button" onClick={() => void exportSvg('.dg-svg', 'state-diagram', false)}>
            {t('exportDiagramSvg')}
          </button>
          <button type="button" onClick={() => void exportSvg('.dg-svg', 'state-diagram', true)}>
            {t('exportDiagramPng')}
          </button>
          <button type="button" onClick={() => void savePcap()}>
            {t('exportPcap')}
          </button>
        </div>
      </details>

      {link ? (
        <label className="ls-link">
          {t('shareReady')}{' '}
          <input readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
        </label>
      ) : null}

      <Suspense fallback={null}>
        {busy ? <ProgressPanel busy={busy} onCancel={() => busy.job.cancel()} /> : null}
        <LimitNotice />
      </Suspense>

      <div className="ls-notice" role="status" aria-live="polite">
        {notice ? (
          <p className={notice.kind === 'error' ? 'ls-error' : 'ls-ok'}>
            {notice.text}{' '}
            {notice.action ? (
              <button
                type="button"
                onClick={() => {
                  notice.action?.run();
                  setNotice(null);
                }}
              >
                {notice.action.label}
              </button>
            ) : null}{' '}
            <button type="button" onClick={() => setNotice(null)}>
              {t('dismiss')}
            </button>
          </p>
        ) : null}
      </div>

      {dragging ? (
        <div className="ls-drop" aria-hidden="true">
          {t('dropHere')}
        </div>
      ) : null}

      <Dialog
        open={galleryOpen}
        title={t('galleryTitle')}
        onClose={() => setGalleryOpen(false)}
        closeLabel={t('close')}
      >
        <p>{t('galleryIntro')}</p>
        {gallery ? (
          <ul className="ls-gallery">
            {gallery.map((g) => (
              <li key={g.id}>
                <button type="button" onClick={() => void openEntry(g)}>
                  {g.title[lang]}
                </button>
                <p>{g.summary[lang]}</p>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('loading')}</p>
        )}
      </Dialog>

      <Dialog
        open={sessionsOpen}
        title={t('sessionsTitle')}
        onClose={() => setSessionsOpen(false)}
        closeLabel={t('close')}
      >
        <Suspense fallback={<p>{t('loading')}</p>}>
          <SavedSessions notify={notify} open={open} onOpening={() => setSessionsOpen(false)} />
        </Suspense>
      </Dialog>

      <Dialog
        open={cOpen}
        title={t('cTitle')}
        onClose={() => setCOpen(false)}
        closeLabel={t('close')}
      >
        <p>{t('cIntro')}</p>
        {programs
          ? (['server', 'client'] as const).map((side) => (
              <section key={side} className="ls-c">
                <div className="ls-c-head">
                  <h3>{side}.c</h3>
                  <button
                    type="button"
                    onClick={() => void navigator.clipboard.writeText(programs[side])}
                  >
                    {t('copy')}
                  </button>
                  <button
                    type="button"
                    onClick={() =>
                      void actions().then((a) =>
                        a.download(`${side}.c`, programs[side], 'text/x-c'),
                      )
                    }
                  >
                    {t('downloadC', { file: `${side}.c` })}
                  </button>
                </div>
                <pre className="mono">{programs[side]}</pre>
              </section>
            ))
          : null}
      </Dialog>
    </div>
  );
}
