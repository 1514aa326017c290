/**
 * While a file, link or stored session is being opened (in a worker): a
 * progress bar — the share of the work budget used so far, and the virtual
 * instant reached — and a Cancel button, which stops the worker and leaves
 * the run on screen as it was.
 */
import { useT } from '../i18n';
import { useSession } from '../use-session';
import { openMessages } from './open-messages';
import type { Busy } from './opening';

const number = (n: number) => n.toLocaleString('en-US');

export function ProgressPanel({ busy, onCancel }: { busy: Busy; onCancel: () => void }) {
  const t = useT(openMessages);
  const p = busy.progress;
  const used = p ? Math.max(p.events / busy.budget.events, p.segments / busy.budget.segments) : 0;
  const pct = Math.min(100, Math.round(used * 100));
  const text =
    !p || p.phase === 'reading'
      ? t('reading')
      : t('progress', {
          events: number(p.events),
          max: number(busy.budget.events),
          segments: number(p.segments),
          t: (p.t / 1000).toFixed(3),
        });
  const label = t('opening', { name: busy.label });
  return (
    <div className="ls-progress">
      <span className="ls-progress-label">{label}</span>
      <div
        className="ls-progress-bar"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${pct}% — ${text}`}
      >
        {/* Set through the CSSOM, which the page's Content-Security-Policy allows. */}
        <div className="ls-progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <span className="ls-progress-text mono">{text}</span>
      <button type="button" onClick={onCancel}>
        {t('cancel')}
      </button>
    </div>
  );
}

/** Said once an opened run's playback reaches its work budget (session.limit). */
export function LimitNotice() {
  const session = useSession();
  const t = useT(openMessages);
  if (!session.limit) return null;
  return (
    <p className="ls-error ls-limit" role="status">
      {t('limitReached', { message: session.limit })}
    </p>
  );
}
