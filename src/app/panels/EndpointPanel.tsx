/**
 * One endpoint: its state, its TCB at a glance, its buffers, and a button per
 * socket call. A call that makes no sense now stays focusable but inert
 * (aria-disabled) and says why, in text the button points at.
 */
import { useId, useState, type ReactNode } from 'react';
import {
  DEFAULT_CLIENT_IP,
  DEFAULT_SERVER_IP,
  DEFAULT_SERVER_PORT,
  type CallRecord,
  type Side,
  type TimerName,
  type TraceRecord,
} from '../../core';
import { useT, type Translate } from '../i18n';
import { countAtOrBefore, recordsOf } from '../record-index';
import { useSession } from '../use-session';
import {
  BUTTONS,
  availability,
  calledBy,
  firstStepHint,
  tcbGlance,
  type Availability,
  type CallButton,
  type SeqValue,
  type SideFacts,
  type TcbGlance,
} from './availability';
import { callResult, fmtDuration, printableText, type Msg, type MsgKey } from './log';
import { messages } from './messages';
import './panels.css';

const LABELS: Readonly<Record<CallButton, MsgKey>> = {
  listen: 'btnListen',
  accept: 'btnAccept',
  connect: 'btnConnect',
  send: 'btnSend',
  recv: 'btnRecv',
  shutdown: 'btnShutdown',
  close: 'btnClose',
  reuseAddr: 'btnReuseAddr',
  abort: 'btnAbort',
};

const TITLES: Partial<Record<CallButton, MsgKey>> = {
  shutdown: 'titleShutdown',
  abort: 'titleAbort',
  recv: 'titleRecv',
};

const TIMER_LABELS: Readonly<Record<TimerName, MsgKey>> = {
  rtx: 'timerRtx',
  delack: 'timerDelack',
  finWait2: 'timerFinWait2',
  timeWait: 'timerTimeWait',
};

const msgText = (t: Translate<MsgKey>, m: Msg): string => t(m.key, m.vars);

/** The last call this side returned from, at or before `cursor`. */
function lastCall(records: readonly TraceRecord[], side: Side, cursor: number): CallRecord | null {
  // The side's calls by time (record-index.ts): a binary search, not a scan of the run.
  const { recs, t } = recordsOf<CallRecord>(records, 'call', side);
  return recs[countAtOrBefore(t, cursor) - 1] ?? null;
}

export function EndpointPanel({ side }: { side: Side }) {
  const session = useSession();
  const t = useT(messages);
  const id = useId();
  const [text, setText] = useState('hello');

  const cursor = session.cursor;
  const records = session.world.trace.records;
  // The sockets as they stand at the cursor (the socket table of World.at).
  const socks = session.socketsOf(side);
  const conn = session.connOf(side);
  const state = conn?.state ?? 'CLOSED';

  const listenFd = side === 'server' ? socks.listenFd : null;
  const connFd = socks.connFd;
  const facts: SideFacts = {
    side,
    state,
    listenFd,
    connFd,
    acceptWaiting: listenFd !== null && socks.acceptWaiting,
  };

  const hint = firstStepHint(side, {
    anyCall: calledBy(records, null, cursor),
    clientCalled: calledBy(records, 'client', cursor),
    serverListening: session.socketsOf('server').listenFd !== null,
  });

  const glance = conn ? tcbGlance(conn.tcb, state, cursor) : null;
  const last = lastCall(records, side, cursor);

  const act = (b: CallButton): void => {
    switch (b) {
      case 'listen':
        return session.listen();
      case 'accept':
        return session.accept();
      case 'connect':
        return session.connect();
      case 'send':
        return session.send(side, text);
      case 'recv':
        return session.recv(side);
      case 'shutdown':
        return session.shutdown(side);
      case 'close':
        return session.close(side);
      case 'abort':
        return session.abort(side);
      case 'reuseAddr':
        return session.setReuseAddr(side, !socks.reuseAddr);
    }
  };

  // Reasons shown once each, under the buttons; every button they concern points at them.
  const avail = new Map<CallButton, Availability>();
  for (const b of BUTTONS[side]) avail.set(b, availability(facts, b));
  // The note on setsockopt() is always true, so it stays out of sight (a description, a tooltip).
  const reasons: { text: string; buttons: CallButton[]; disabled: boolean; quiet: boolean }[] = [];
  for (const [b, a] of avail) {
    if (!a.why) continue;
    const txt = msgText(t, a.why);
    const r = reasons.find((x) => x.text === txt && x.disabled === !a.enabled);
    if (r) r.buttons.push(b);
    else reasons.push({ text: txt, buttons: [b], disabled: !a.enabled, quiet: b === 'reuseAddr' });
  }
  const reasonId = (b: CallButton): string | undefined => {
    const i = reasons.findIndex((r) => r.buttons.includes(b));
    return i < 0 ? undefined : `${id}-why-${i}`;
  };
  const hinted: CallButton | null =
    hint === 'hintListen' ? 'listen' : hint === 'hintConnect' ? 'connect' : null;

  const button = (b: CallButton): ReactNode => {
    const a = avail.get(b);
    if (!a) return null;
    const title = TITLES[b];
    const toggle = b === 'reuseAddr';
    return (
      <button
        key={b}
        type="button"
        className={`ep-call mono${hinted === b ? ' ep-call--hinted' : ''}${toggle ? ' ep-toggle' : ''}`}
        aria-disabled={a.enabled ? undefined : true}
        aria-describedby={reasonId(b)}
        aria-pressed={toggle ? socks.reuseAddr : undefined}
        title={title ? t(title) : toggle && a.why ? msgText(t, a.why) : undefined}
        onClick={() => {
          if (a.enabled) act(b);
        }}
      >
        {toggle && (
          <span className="ep-toggle-box" aria-hidden="true">
            {socks.reuseAddr ? '✓' : ''}
          </span>
        )}
        {t(LABELS[b])}
      </button>
    );
  };

  const opening = BUTTONS[side].filter((b) => b === 'listen' || b === 'accept' || b === 'connect');
  const after = BUTTONS[side].filter((b) => b === 'recv' || b === 'shutdown' || b === 'close');
  const ip =
    side === 'client'
      ? (session.world.options.clientIp ?? DEFAULT_CLIENT_IP)
      : `${session.world.options.serverIp ?? DEFAULT_SERVER_IP}:${DEFAULT_SERVER_PORT}`;
  const sideName = t(side === 'client' ? 'client' : 'server');

  return (
    <section className={`panel ep ep--${side}`} role="region" aria-label={sideName}>
      <header className="ep-head">
        <h2>
          <span className="side-mark" aria-hidden="true">
            {side === 'client' ? 'C' : 'S'}
          </span>
          {sideName}
        </h2>
        <span className="ep-addr mono" title={t('address')}>
          {ip}
        </span>
      </header>

      <div className="ep-state">
        <span className="ep-state-line" aria-live="polite" aria-atomic="true">
          <span className="visually-hidden">{sideName} </span>
          <span className="ep-label">{t('state')}</span>{' '}
          <strong className="ep-state-name mono">{state}</strong>
        </span>
        <span className="ep-socks">
          {listenFd === null && connFd === null
            ? t('noSocket')
            : [
                listenFd !== null ? t('listeningFd', { fd: listenFd }) : null,
                connFd !== null ? t('connectedFd', { fd: connFd }) : null,
              ]
                .filter(Boolean)
                .join(' · ')}
        </span>
      </div>

      {hint && (
        <p className="ep-hint" role="note">
          {t(hint)}
        </p>
      )}

      <Tcb glance={glance} t={t} />

      <div className="ep-calls" role="group" aria-label={t('calls')}>
        {opening.length > 0 && <div className="ep-row">{opening.map(button)}</div>}
        <div className="ep-send">
          <label htmlFor={`${id}-text`} className="ep-label">
            {t('textToSend')}
          </label>
          <div className="ep-send-row">
            <input
              id={`${id}-text`}
              className="mono"
              type="text"
              value={text}
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && avail.get('send')?.enabled) session.send(side, text);
              }}
            />
            {button('send')}
          </div>
        </div>
        <div className="ep-row">{after.map(button)}</div>
        <div className="ep-row">
          {button('abort')}
          {button('reuseAddr')}
        </div>
        {reasons.some((r) => !r.quiet) && (
          <ul className="ep-why">
            {reasons.map((r, i) =>
              r.quiet ? null : (
                <li key={i} className={r.disabled ? 'ep-why--off' : 'ep-why--note'}>
                  <span className="mono ep-why-calls" aria-hidden="true">
                    {r.buttons.map((b) => t(LABELS[b])).join(' ')}
                  </span>
                  <span className="ep-why-sep" aria-hidden="true">
                    {' — '}
                  </span>
                  <span id={`${id}-why-${i}`}>{r.text}</span>
                </li>
              ),
            )}
          </ul>
        )}
        {reasons.map((r, i) =>
          r.quiet ? (
            <span key={i} id={`${id}-why-${i}`} className="visually-hidden">
              {r.text}
            </span>
          ) : null,
        )}
      </div>

      {last && (
        <p className="ep-last">
          <span className="ep-label">{t('lastCall')}</span>{' '}
          <code className={last.errno ? 'ep-last-err' : undefined}>
            {`${last.call}(${last.args}) = ${callResult(last.ret, last.errno)}`}
            {last.data && last.data.length > 0 ? ` "${printableText(last.data, 40)}"` : ''}
          </code>
        </p>
      )}
    </section>
  );
}

function Seq({
  v,
  base,
  t,
}: {
  v: SeqValue | null;
  base: 'absIss' | 'absIrs';
  t: Translate<MsgKey>;
}) {
  if (!v) return <>{t('tcbUnknown')}</>;
  const b = (v.abs - v.rel) >>> 0;
  return <span title={t(base, { abs: v.abs, base: b })}>{v.rel}</span>;
}

function Tcb({ glance: g, t }: { glance: TcbGlance | null; t: Translate<MsgKey> }) {
  const u = t('tcbUnknown');
  return (
    <div className="ep-tcb">
      <dl className="ep-vars mono" aria-label={t('tcb')}>
        <div>
          <dt>SND.UNA</dt>
          <dd>{g ? <Seq v={g.sndUna} base="absIss" t={t} /> : u}</dd>
        </div>
        <div>
          <dt>SND.NXT</dt>
          <dd>{g ? <Seq v={g.sndNxt} base="absIss" t={t} /> : u}</dd>
        </div>
        <div>
          <dt>RCV.NXT</dt>
          <dd>{g ? <Seq v={g.rcvNxt} base="absIrs" t={t} /> : u}</dd>
        </div>
        <div>
          <dt>SND.WND</dt>
          <dd>{g ? g.sndWnd : u}</dd>
        </div>
        <div>
          <dt>RCV.WND</dt>
          <dd>{g ? g.rcvWnd : u}</dd>
        </div>
        <div>
          <dt title={t('rtoTitle')}>RTO</dt>
          <dd>{g ? fmtDuration(g.rto) : u}</dd>
        </div>
      </dl>

      <div className="ep-timers">
        <span className="ep-label">{t('timers')}</span>
        {!g || g.timers.length === 0 ? (
          <span className="ep-muted"> {t('noTimers')}</span>
        ) : (
          <ul>
            {g.timers.map((x) => (
              <li key={x.timer}>
                <ClockIcon />
                {t(TIMER_LABELS[x.timer])}{' '}
                <span className="mono">{t('timerLeft', { left: fmtDuration(x.left) })}</span>
              </li>
            ))}
          </ul>
        )}
      </div>

      <Buffers g={g} t={t} />
    </div>
  );
}

function ClockIcon() {
  return (
    <svg className="ep-clock" viewBox="0 0 12 12" width="12" height="12" aria-hidden="true">
      <circle cx="6" cy="6" r="5" fill="none" stroke="currentColor" strokeWidth="1.3" />
      <path
        d="M6 3v3l2 1.5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.3"
        strokeLinecap="round"
      />
    </svg>
  );
}

const pct = (n: number, of: number): string => `${of > 0 ? (100 * n) / of : 0}%`;

function Buffers({ g, t }: { g: TcbGlance | null; t: Translate<MsgKey> }) {
  const s = g?.send ?? { written: 0, acked: 0, inFlight: 0, unsent: 0, capacity: 0 };
  const r = g?.recv;
  const delivered = r?.delivered ?? 0;
  const read = r?.read ?? 0;
  const unread = r?.unread ?? 0;
  const ooo = r?.outOfOrder ?? 0;
  const recvTotal = delivered + ooo;
  return (
    <div className="ep-buffers">
      <div className="ep-buf">
        <span className="ep-label">{t('sendBuffer')}</span>
        <div className="ep-bar" aria-hidden="true">
          <span className="seg seg-done" style={{ width: pct(s.acked, s.written) }} />
          <span className="seg seg-flight" style={{ width: pct(s.inFlight, s.written) }} />
          <span className="seg seg-wait" style={{ width: pct(s.unsent, s.written) }} />
        </div>
        <p className="ep-nums mono">
          <span>{t('sendWritten', { n: s.written })}</span>
          <span>
            <i className="sw sw-done" />
            {t('sendAcked', { n: s.acked })}
          </span>
          <span>
            <i className="sw sw-flight" />
            {t('sendInFlight', { n: s.inFlight })}
          </span>
          <span>
            <i className="sw sw-wait" />
            {t('sendUnsent', { n: s.unsent })}
          </span>
        </p>
      </div>
      <div className="ep-buf">
        <span className="ep-label">{t('recvBuffer')}</span>
        <div className="ep-bar" aria-hidden="true">
          <span className="seg seg-done" style={{ width: pct(read, recvTotal) }} />
          <span className="seg seg-wait" style={{ width: pct(unread, recvTotal) }} />
          <span className="seg seg-flight" style={{ width: pct(ooo, recvTotal) }} />
        </div>
        <p className="ep-nums mono">
          <span>{t('recvDelivered', { n: delivered })}</span>
          <span>
            <i className="sw sw-done" />
            {t('recvRead', { n: read })}
          </span>
          <span>
            <i className="sw sw-wait" />
            {t('recvUnread', { n: unread })}
          </span>
          {ooo > 0 && (
            <span>
              <i className="sw sw-flight" />
              {t('recvOoo', { n: ooo })}
            </span>
          )}
          {r?.finReceived && <span>{t('recvFin')}</span>}
        </p>
        {r && r.unread > 0 && (
          <p className="ep-unread">
            <span className="ep-label">{t('unreadText')}</span>{' '}
            <q className="mono">{printableText(r.unreadBytes, 80)}</q>
          </p>
        )}
      </div>
    </div>
  );
}
