/**
 * The time bar: play or pause, step between events, the speed of virtual
 * time, a scrubber over the whole run, reset, and a help dialog. It also
 * listens for the shortcuts Space, ← and → anywhere on the page, except where
 * those keys already mean something (text fields, sliders, a focused button
 * for Space).
 */
import { useEffect, useId, useRef, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useT } from '../i18n';
import { SPEEDS, type Session } from '../session';
import { useSession } from '../use-session';
import { fmtSeconds, speedLabel } from './log';
import { messages } from './messages';
import './panels.css';

const TEXT_ENTRY =
  'input, textarea, select, [contenteditable=""], [contenteditable="true"], dialog';
/** Where Space already presses or toggles something. */
const SPACE_TAKEN =
  'button, a[href], summary, [role="button"], [role="checkbox"], [role="switch"], [role="menuitem"], [role="option"], [role="tab"], [role="radio"]';
/** Where the arrow keys already move something, or a view keeps its keys (data-own-keys). */
const ARROWS_TAKEN =
  '[role="slider"], [role="listbox"], [role="tablist"], [role="radiogroup"], [role="menu"], [role="menubar"], [role="grid"], [role="tree"], [role="spinbutton"], [data-own-keys]';

function togglePlay(session: Session): void {
  if (session.playing) session.pause();
  else session.play();
}

export function TimeBar() {
  const session = useSession();
  const t = useT(messages);
  const id = useId();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const helpRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      const el = e.target instanceof Element ? e.target : null;
      if (el?.closest(TEXT_ENTRY)) return;
      if (e.key === ' ') {
        if (el?.closest(SPACE_TAKEN)) return;
        e.preventDefault();
        togglePlay(session);
      } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
        if (el?.closest(ARROWS_TAKEN)) return;
        e.preventDefault();
        if (e.key === 'ArrowLeft') session.stepBack();
        else session.stepForward();
      } else if (e.key === '?') {
        e.preventDefault();
        dialogRef.current?.showModal();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [session]);

  const now = session.world.now;
  const cursor = session.cursor;
  const valueText = t('timeNow', { t: fmtSeconds(cursor) });

  const seek = (v: number): void => {
    if (session.playing) session.pause();
    session.seek(v);
  };

  const onScrubKey = (e: ReactKeyboardEvent<HTMLInputElement>): void => {
    const page = Math.max(now / 10, 1);
    switch (e.key) {
      case 'ArrowLeft':
      case 'ArrowDown':
        session.stepBack();
        break;
      case 'ArrowRight':
      case 'ArrowUp':
        session.stepForward();
        break;
      case 'PageDown':
        seek(Math.max(0, cursor - page));
        break;
      case 'PageUp':
        seek(Math.min(now, cursor + page));
        break;
      case 'Home':
        seek(0);
        break;
      case 'End':
        seek(now);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const reset = (): void => {
    // Start over, keeping the link as the link panel shows it.
    const c = session.world.link.config;
    session.reset({
      ...session.options,
      link: { client: { ...c.client }, server: { ...c.server } },
    });
  };

  return (
    <div className="timebar" role="group" aria-label={t('timeBar')}>
      <div className="tb-buttons">
        <button
          type="button"
          className="tb-play"
          onClick={() => togglePlay(session)}
          aria-keyshortcuts="Space"
        >
          <span aria-hidden="true" className="tb-icon">
            {session.playing ? '❚❚' : '▶'}
          </span>
          {session.playing ? t('pause') : t('play')}
        </button>
        <button type="button" onClick={() => session.stepBack()} aria-keyshortcuts="ArrowLeft">
          <span aria-hidden="true" className="tb-icon">
            ←
          </span>
          {t('stepBack')}
        </button>
        <button type="button" onClick={() => session.stepForward()} aria-keyshortcuts="ArrowRight">
          {t('stepForward')}
          <span aria-hidden="true" className="tb-icon tb-icon--after">
            →
          </span>
        </button>
      </div>

      <div className="tb-scrub">
        <label htmlFor={`${id}-scrub`} className="visually-hidden">
          {t('scrubber')}
        </label>
        <input
          id={`${id}-scrub`}
          type="range"
          min={0}
          max={now}
          step={0.001}
          value={cursor}
          aria-valuetext={valueText}
          onChange={(e) => seek(Number(e.target.value))}
          onKeyDown={onScrubKey}
        />
        <span className="tb-time mono">
          <span>{valueText}</span>{' '}
          <span className="tb-total">{t('timeTotal', { t: fmtSeconds(now) })}</span>
        </span>
      </div>

      <div className="tb-settings">
        <label className="tb-speed" title={t('speedTitle')}>
          {t('speed')}{' '}
          <select value={session.speed} onChange={(e) => session.setSpeed(Number(e.target.value))}>
            {!SPEEDS.includes(session.speed as (typeof SPEEDS)[number]) && (
              <option value={session.speed}>{speedLabel(session.speed)}</option>
            )}
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {speedLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label className="tb-check">
          <input
            type="checkbox"
            checked={session.skipIdle}
            onChange={(e) => session.setSkipIdle(e.target.checked)}
          />
          {t('skipIdle')}
        </label>
        <button type="button" onClick={reset} title={t('resetTitle')}>
          {t('reset')}
        </button>
        <button
          ref={helpRef}
          type="button"
          className="tb-help"
          aria-label={t('help')}
          aria-haspopup="dialog"
          aria-keyshortcuts="Shift+?"
          title={t('help')}
          onClick={() => dialogRef.current?.showModal()}
        >
          ?
        </button>
      </div>

      {!session.live && (
        <p className="tb-past" role="status">
          {t('past')}
        </p>
      )}

      <dialog
        ref={dialogRef}
        className="tb-dialog"
        aria-labelledby={`${id}-help-title`}
        onClose={() => helpRef.current?.focus()}
      >
        <h2 id={`${id}-help-title`}>{t('helpTitle')}</h2>
        <dl className="tb-keys">
          <div>
            <dt>
              <kbd>{t('keySpace')}</kbd>
            </dt>
            <dd>{t('keySpaceWhat')}</dd>
          </div>
          <div>
            <dt>
              <kbd>←</kbd>
            </dt>
            <dd>{t('keyLeftWhat')}</dd>
          </div>
          <div>
            <dt>
              <kbd>→</kbd>
            </dt>
            <dd>{t('keyRightWhat')}</dd>
          </div>
          <div>
            <dt>
              <kbd>D</kbd>
            </dt>
            <dd>{t('keyDWhat')}</dd>
          </div>
        </dl>
        <p className="tb-note">{t('keyNote')}</p>
        <h3>{t('startTitle')}</h3>
        <ol>
          <li>{t('start1')}</li>
          <li>{t('start2')}</li>
          <li>{t('start3')}</li>
        </ol>
        <form method="dialog">
          <button type="submit" autoFocus>
            {t('closeDialog')}
          </button>
        </form>
      </dialog>
    </div>
  );
}
