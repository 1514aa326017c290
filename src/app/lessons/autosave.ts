/**
 * The session survives a reload: it is restored at start-up (unless a share
 * link opened one) and saved as it changes. Storage and decoding live in the
 * lazily loaded half (actions.ts), fetched once the page is up.
 */
import { useEffect } from 'react';
import { useT } from '../i18n';
import { useSessionQuietly } from '../use-session';
import { messages } from './messages';

type Notify = (
  kind: 'ok' | 'error',
  text: string,
  action?: { label: string; run: () => void },
) => void;

export function useAutosave(notify: Notify, linkOpened: boolean): void {
  const session = useSessionQuietly();
  const t = useT(messages);
  useEffect(() => {
    let timer = 0;
    let reported = false;
    let off = (): void => undefined;
    let alive = true;
    void import('./actions').then((a) => {
      if (!alive) return;
      if (!linkOpened) {
        const r = a.loadCurrent();
        if (!r.ok)
          // Reported, and kept: only the person may throw it away.
          notify('error', t('errorStored', { message: r.error }), {
            label: t('discard'),
            run: () => {
              a.clearCurrent();
              reported = false;
            },
          });
        else if (r.run) {
          const done = a.importRun(session, r.run);
          if (done.ok) notify('ok', t('restored'));
          else notify('error', t('errorStored', { message: done.error }));
        }
      }
      const save = () => {
        const r = a.saveCurrent(undefined, session.exportRun());
        if (!r.ok && !reported) {
          reported = true;
          notify('error', r.error);
        }
      };
      off = session.subscribe(() => {
        window.clearTimeout(timer);
        // Not on every frame of playback: once it pauses or stops.
        if (session.playing) return;
        timer = window.setTimeout(save, 400);
      });
    });
    return () => {
      alive = false;
      off();
      window.clearTimeout(timer);
    };
    // Once per session object; the catalog only words the messages.
  }, [session]);
}
