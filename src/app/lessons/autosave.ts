/**
 * The session survives a reload: it is restored at start-up (unless a share
 * link opened one) and saved as it changes. Storage and decoding live in the
 * lazily loaded half (actions.ts), fetched once the page is up.
 */
import { useEffect, type RefObject } from 'react';
import { useT } from '../i18n';
import { useSessionQuietly } from '../use-session';
import { messages } from './messages';
import type { OpenFn } from './Toolbar';

type Notify = (
  kind: 'ok' | 'error',
  text: string,
  action?: { label: string; run: () => void },
) => void;

/** Data sent, in bytes, past which a run is not saved again for a cursor move alone. */
const BIG_RUN_BYTES = 256 * 1024;

export function useAutosave(notify: Notify, open: RefObject<OpenFn>, linkOpened: boolean): void {
  const session = useSessionQuietly();
  const t = useT(messages);
  useEffect(() => {
    let timer = 0;
    let reported = false;
    let off = (): void => undefined;
    let alive = true;
    void import('./actions').then(async (a) => {
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
        // Replayed in the worker; saving starts once that has settled, so a
        // click meanwhile does not overwrite the run being restored.
        else if (r.run)
          await open.current({ kind: 'inputs', run: r.run }, { kind: 'stored', name: null });
        if (!alive) return;
      }
      // A run whose sends carry much data costs seconds to encode and check: it is
      // saved again when its inputs change, not each time the cursor moves.
      let saved: { world: unknown; inputs: number; big: boolean } | null = null;
      const save = () => {
        const world = session.baseWorld;
        const inputs = world.inputs.length;
        if (saved && saved.big && saved.world === world && saved.inputs === inputs) return;
        let bytes = 0;
        for (const i of world.inputs)
          if (i.action.kind === 'call' && i.action.call.name === 'send')
            bytes += i.action.call.data.length;
        saved = { world, inputs, big: bytes > BIG_RUN_BYTES };
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
