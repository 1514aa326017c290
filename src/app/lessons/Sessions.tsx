/**
 * The session survives a reload (it is saved as it changes), and named
 * sessions can be saved, reopened and deleted. A damaged stored value is
 * reported, never silently replaced (persist.ts refuses to overwrite it).
 */
import { useEffect, useState } from 'react';
import { deleteSaved, listSaved, loadCurrent, loadSaved, saveAs, saveCurrent } from '../persist';
import { useT } from '../i18n';
import { useSession } from '../use-session';
import { messages } from './messages';

type Notify = (kind: 'ok' | 'error', text: string) => void;

/** Restore the last session at start-up (unless a share link opened one), then keep saving it. */
export function useAutosave(notify: Notify, linkOpened: boolean): void {
  const session = useSession();
  const t = useT(messages);
  useEffect(() => {
    if (linkOpened) return;
    const r = loadCurrent();
    if (!r.ok) return notify('error', t('errorStored', { message: r.error }));
    if (!r.run) return;
    const done = session.importRun(r.run);
    if (done.ok) notify('ok', t('restored'));
    else notify('error', t('errorStored', { message: done.error }));
    // Only at start-up.
  }, []);
  useEffect(() => {
    let timer = 0;
    let reported = false;
    const save = () => {
      const r = saveCurrent(undefined, session.exportRun());
      if (!r.ok && !reported) {
        reported = true;
        notify('error', r.error);
      }
    };
    const off = session.subscribe(() => {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 400);
    });
    return () => {
      off();
      window.clearTimeout(timer);
    };
  }, [session, notify]);
}

export function SavedSessions({ notify }: { notify: Notify }) {
  const session = useSession();
  const t = useT(messages);
  const [name, setName] = useState('');
  const [version, setVersion] = useState(0);
  const list = listSaved();
  void version;
  const refresh = () => setVersion((v) => v + 1);
  return (
    <div className="ls-sessions">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const r = saveAs(undefined, name, session.exportRun(), new Date().toISOString());
          if (r.ok) {
            setName('');
            refresh();
          } else notify('error', r.error);
        }}
      >
        <label>
          {t('sessionName')}{' '}
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>{' '}
        <button type="submit">{t('saveSession')}</button>
      </form>
      {!list.ok ? (
        <p className="ls-error">{t('errorSaved', { message: list.error })}</p>
      ) : list.items.length === 0 ? (
        <p>{t('noSessions')}</p>
      ) : (
        <ul className="ls-saved">
          {list.items.map((it) => (
            <li key={it.name}>
              <span className="ls-saved-name">{it.name}</span>{' '}
              <span className="ls-saved-when">{it.savedAt.replace('T', ' ').slice(0, 19)}</span>{' '}
              <button
                type="button"
                aria-label={`${t('reopen')} ${it.name}`}
                onClick={() => {
                  const r = loadSaved(undefined, it.name);
                  const done = r.ok ? session.importRun(r.run) : r;
                  if (done.ok) notify('ok', t('opened', { name: it.name }));
                  else notify('error', t('errorStored', { message: done.error }));
                }}
              >
                {t('reopen')}
              </button>{' '}
              <button
                type="button"
                aria-label={`${t('remove')} ${it.name}`}
                onClick={() => {
                  const r = deleteSaved(undefined, it.name);
                  if (!r.ok) notify('error', r.error);
                  refresh();
                }}
              >
                {t('remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
