/**
 * The send-window strip of each endpoint at the cursor: its sequence space
 * as acknowledged | in flight | usable | beyond the window, with the SACKed
 * ranges marked inside what is in flight, numbered relative to the ISS.
 */
import { SIDES, SYNCHRONIZED, type Side } from '../../core';
import { useT } from '../i18n';
import { useSession } from '../use-session';
import { messages } from './messages';
import { bytesText } from './scale';
import { stripParts, windowStrip } from './window-strip';

function StripOf({ side }: { side: Side }) {
  const session = useSession();
  const t = useT(messages);
  const conn = session.connOf(side);
  const name = t(side);
  if (!conn || !SYNCHRONIZED.has(conn.state))
    return (
      <div className={`gr-strip gr-strip-${side}`}>
        <h4>{name}</h4>
        <p className="gr-note">{t('stNoConn')}</p>
      </div>
    );
  const s = windowStrip(conn.tcb);
  const { parts, x } = stripParts(s);
  const label = {
    acked: t('stAcked'),
    inflight: t('stInflight'),
    usable: t('stUsable'),
    beyond: t('stBeyond'),
  } as const;
  const pct = (f: number): string => `${(f * 100).toFixed(3)}%`;
  return (
    <div className={`gr-strip gr-strip-${side}`}>
      <h4>
        {name} <span className="gr-strip-conn mono">{conn.id}</span>
      </h4>
      <div
        className="gr-strip-bar"
        role="img"
        aria-label={t('stAria', {
          side: name,
          acked: s.una,
          inflight: s.inFlight,
          usable: s.usable,
          wnd: s.window === Infinity ? '∞' : s.window,
        })}
      >
        {parts.map((p) =>
          p.w > 0 ? (
            <div
              key={p.kind}
              className={`gr-part gr-part-${p.kind}`}
              style={{ left: pct(p.x), width: pct(p.w) }}
              title={`${label[p.kind]}: ${p.start}–${p.end}`}
            />
          ) : null,
        )}
        {s.sacked.map((b) => (
          <div
            key={b.start}
            className="gr-part gr-part-sacked"
            style={{ left: pct(x(b.start)), width: pct(x(b.end) - x(b.start)) }}
            title={`${t('stSacked')}: ${b.start}–${b.end}`}
          />
        ))}
        {s.written > s.una && (
          <div
            className="gr-strip-written"
            style={{ left: pct(x(s.written)) }}
            aria-hidden="true"
          />
        )}
      </div>
      <ul className="gr-strip-key" aria-hidden="true">
        {parts.map((p) => (
          <li key={p.kind}>
            <span className={`gr-swatch gr-part-${p.kind}`} />
            {label[p.kind]} <span className="mono">{bytesText(p.end - p.start)}</span>
          </li>
        ))}
        {s.sackedBytes > 0 && (
          <li>
            <span className="gr-swatch gr-part-sacked" />
            {t('stSacked')} <span className="mono">{bytesText(s.sackedBytes)}</span>
          </li>
        )}
      </ul>
      <p className="gr-strip-nums mono">
        {t('stNumbers', {
          una: s.una,
          nxt: s.nxt,
          wnd: s.window === Infinity ? '∞' : s.window,
          peer: conn.tcb.sndWnd,
          cwnd: conn.tcb.cwnd,
          usable: s.usable,
        })}{' '}
        <span className="gr-note">({s.cwndLimits ? t('stCwndLimits') : t('stWndLimits')})</span>
      </p>
    </div>
  );
}

export function WindowStrips() {
  const t = useT(messages);
  return (
    <div className="gr-strips">
      <h3>{t('stripTitle')}</h3>
      <div className="gr-strips-row">
        {SIDES.map((s) => (
          <StripOf key={s} side={s} />
        ))}
      </div>
    </div>
  );
}
