/**
 * One opening — a scenario file, a share link or a stored session — from start
 * to finish: the worker job with its progress, then the rebuild on the page,
 * then the message. Loaded on first use (through actions.ts); the toolbar
 * holds only the state it shows.
 */
import type { RefObject } from 'react';
import { format, type Lang, type Translate } from '../i18n';
import type { Session } from '../session';
import { adoptOpened } from './adopt';
import type { messages } from './messages';
import { openMessages } from './open-messages';
import { OPEN_BUDGET, type OpenBudget, type OpenProgress } from './open-protocol';
import { startOpen, type OpenJob, type OpenRequest } from './opener';

/** What is being opened, for the messages about it. */
export type Opening =
  | { kind: 'file'; text: string; name: string; id?: string }
  | { kind: 'link' }
  /** A stored session: by its name, or `null` for the one restored at start-up. */
  | { kind: 'stored'; name: string | null };

/** An opening in progress, as the progress bar shows it. */
export interface Busy {
  readonly job: OpenJob;
  readonly label: string;
  readonly budget: OpenBudget;
  readonly progress: OpenProgress | null;
}

export interface OpeningContext {
  readonly session: Session;
  readonly lang: Lang;
  readonly t: Translate<keyof (typeof messages)['en']>;
  /** The opening under way; a new one cancels it. */
  readonly job: RefObject<OpenJob | null>;
  readonly setBusy: (f: (b: Busy | null) => Busy | null) => void;
  readonly setNotice: (n: { kind: 'ok' | 'error'; text: string }) => void;
}

/**
 * Open `request` in a worker, showing progress, and put the run on screen only
 * if it is good and within the budget. Resolves true once it is on screen.
 * Until then, and whatever the outcome, the session is not touched.
 */
export async function openWith(
  ctx: OpeningContext,
  request: OpenRequest,
  what: Opening,
): Promise<boolean> {
  const { t, job, setBusy, setNotice } = ctx;
  const o = (key: keyof (typeof openMessages)['en'], vars?: Record<string, string | number>) =>
    format(openMessages[ctx.lang][key], vars);
  job.current?.cancel();
  const budget = window.tcpPlayground?.budget ?? OPEN_BUDGET;
  const label =
    what.kind === 'file'
      ? what.name
      : what.kind === 'link'
        ? o('theLink')
        : (what.name ?? o('theStored'));
  const mine = startOpen(request, budget, (progress) =>
    setBusy((b) => (b && b.job === mine ? { ...b, progress } : b)),
  );
  job.current = mine;
  setBusy(() => ({ job: mine, label, budget, progress: null }));
  const out = await mine.done;
  // Replaced by a newer opening: that one reports.
  if (job.current !== mine) return false;
  job.current = null;
  setBusy(() => null);
  const refuse = (message: string) =>
    setNotice({
      kind: 'error',
      text:
        what.kind === 'file'
          ? t('errorFile', { name: what.name, message })
          : what.kind === 'link'
            ? t('errorLink', { message })
            : t('errorStored', { message }),
    });
  if (!out.ok) {
    if (out.kind === 'cancelled') setNotice({ kind: 'ok', text: o('cancelled', { name: label }) });
    else if (out.kind === 'stalled')
      setNotice({ kind: 'error', text: o('stalled', { name: label, seconds: out.seconds }) });
    else refuse(out.kind === 'budget' ? o('overBudget', { message: out.error }) : out.error);
    return false;
  }
  const done = adoptOpened(
    ctx.session,
    out.run,
    budget,
    what.kind === 'file' ? { text: what.text, name: what.name, id: what.id } : undefined,
  );
  if (!done.ok) {
    refuse(o('overBudget', { message: done.error }));
    return false;
  }
  setNotice({
    kind: 'ok',
    text:
      what.kind === 'stored' && what.name === null ? t('restored') : t('opened', { name: label }),
  });
  return true;
}
