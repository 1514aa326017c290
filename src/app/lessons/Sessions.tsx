/**
 * The session survives a reload (it is saved as it changes), and named
 * sessions can be saved, reopened and deleted. A damaged stored value is
 * reported, never silently replaced (persist.ts refuses to overwrite it).
 */
import { useState } from 'react';
import { deleteSaved, listSaved, loadSaved, renameSaved, saveAs } from './actions';
import { useT } from '../i18n';
import { useSession } from '../use-session';
import { messages } from './messages';
import type { OpenFn } from './Toolbar';

type Notify = (kind: 'ok' | 'error', text: string) => void;

export function SavedSessions({
  notify,
  open,
  onOpening,
}: {
  notify: Notify;
  /** Replays the session in the worker (Toolbar's opener); the dialog closes first. */
  open: OpenFn;
  onOpening: () => void;
}) {
  const session = useSession();
  const t = useT(messages);
  const [name, setName] = useState('');
  const [version, setVersion] = useState(0);
  /** The session being renamed, and the name typed so far. */
  const [renaming, setRenaming] = useState<{ from: string; to: string } | null>(null);
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
              {renaming?.from === it.name ? (
                <form
                  className="ls-rename"
                  onSubmit={(e) => {
                    e.preventDefault();
                    const r = renameSaved(undefined, it.name, renaming.to);
                    if (!r.ok) return notify('error', r.error);
                    setRenaming(null);
                    refresh();
                  }}
                >
                  <label>
                    <span className="visually-hidden">{t('newName', { name: it.name })}</span>
                    <input
                      value={renaming.to}
                      autoFocus
                      required
                      onChange={(e) => setRenaming({ from: it.name, to: e.target.value })}
                      onKeyDown={(e) => {
                        if (e.key === 'Escape') {
                          e.preventDefault();
                          setRenaming(null);
                        }
                      }}
                    />
                  </label>{' '}
                  <button type="submit">{t('renameSave')}</button>{' '}
                  <button type="button" onClick={() => setRenaming(null)}>
                    {t('renameCancel')}
                  </button>
                </form>
              ) : (
                <span className="ls-saved-name">{it.name}</span>
              )}{' '}
              <span className="ls-saved-when">{it.savedAt.replace('T', ' ').slice(0, 19)}</span>{' '}
              <button
                type="button"
                aria-label={`${t('reopen')} ${it.name}`}
                onClick={() => {
                  const r = loadSaved(undefined, it.name);
                  if (!r.ok) return notify('error', t('errorStored', { message: r.error }));
                  onOpening();
                  void open({ kind: 'inputs', run: r.run }, { kind: 'stored', name: it.name });
                }}
              >
                {t('reopen')}
              </button>{' '}
              <button
                type="button"
                aria-label={`${t('rename')} ${it.name}`}
                onClick={() => setRenaming({ from: it.name, to: it.name })}
              >
                {t('rename')}
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
