/**
 * Both endpoints' states in one line. On a narrow screen, where one view shows
 * at a time, this strip stays above them so the states are always in sight;
 * on a wide screen the endpoint panels show the same and the strip is hidden.
 */
import { useT } from '../i18n';
import { useSession } from '../use-session';
import { messages } from './messages';

export function StateStrip() {
  const session = useSession();
  const t = useT(messages);
  return (
    <p className="state-strip">
      {(['client', 'server'] as const).map((side) => (
        <span key={side} className={`state-strip-side ep--${side}`}>
          <span className="side-mark" aria-hidden="true">
            {side === 'client' ? 'C' : 'S'}
          </span>
          <span className="visually-hidden">{t(side)}: </span>
          <span className="mono">{session.connOf(side)?.state ?? 'CLOSED'}</span>
        </span>
      ))}
      <span className="state-strip-time mono">
        {t('stripTime', { t: (session.cursor / 1000).toFixed(3) })}
      </span>
    </p>
  );
}
