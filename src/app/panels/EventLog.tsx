/**
 * The event log: socket calls with their C results, state changes, timers
 * that fired and drops, up to the cursor, newest at the bottom. Each entry is
 * a button that takes the cursor to its instant. The list is one tab stop;
 * ↑ ↓ Home End move within it.
 *
 * Only the last PAGE entries before the cursor are rendered ("show earlier"
 * adds more), so a long run stays cheap to draw while it plays.
 */
import {
  memo,
  useCallback,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import { useT, type Translate } from '../i18n';
import type { Session } from '../session';
import { useSession } from '../use-session';
import { LogBuilder, bodyText, fmtSeconds, linesUntil, type LogLine, type MsgKey } from './log';
import { messages } from './messages';
import './panels.css';

const PAGE = 300;

/** The builder for the session's current trace (a fork or a reset starts a new one). */
function useLogLines(session: Session): readonly LogLine[] {
  const records = session.world.trace.records;
  const builder = useMemo(() => new LogBuilder(records), [records]);
  // The trace grows in place: read what is new on every render.
  return builder.update();
}

export function EventLog() {
  const session = useSession();
  const t = useT(messages);
  const lines = useLogLines(session);
  const [limit, setLimit] = useState(PAGE);
  const [focused, setFocused] = useState<number | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  const heightBefore = useRef<number | null>(null);

  const end = linesUntil(lines, session.cursor);
  const start = Math.max(0, end - limit);
  const shown = lines.slice(start, end);
  const later = lines.length - end;
  const next = lines[end];
  const current = shown[shown.length - 1];

  // Follow the newest entry unless the reader scrolled up; keep the view still when earlier entries appear.
  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el) return;
    if (heightBefore.current !== null) {
      el.scrollTop += el.scrollHeight - heightBefore.current;
      heightBefore.current = null;
    } else if (stick.current) {
      el.scrollTop = el.scrollHeight;
    }
  }, [end, start, lines.length]);

  const focusEntry = (index: number): void => {
    setFocused(index);
    listRef.current?.querySelector<HTMLButtonElement>(`[data-index="${index}"]`)?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLOListElement>): void => {
    if (shown.length === 0) return;
    const at = shown.findIndex((l) => l.index === focused);
    const here = at < 0 ? shown.length - 1 : at;
    let to: number;
    switch (e.key) {
      case 'ArrowUp':
        to = Math.max(0, here - 1);
        break;
      case 'ArrowDown':
        to = Math.min(shown.length - 1, here + 1);
        break;
      case 'Home':
        to = 0;
        break;
      case 'End':
        to = shown.length - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    focusEntry(shown[to]!.index);
  };

  const go = useCallback(
    (line: LogLine): void => {
      session.pause();
      session.seek(line.t);
    },
    [session],
  );

  // The tab stop: the focused entry if it is shown, else the newest.
  const tabStop = shown.some((l) => l.index === focused) ? focused : (current?.index ?? null);

  return (
    <section className="log" aria-labelledby="log-title">
      <div className="log-head">
        <h2 id="log-title">{t('log')}</h2>
        {end > 0 && (
          <span className="log-count">{t('logCount', { shown: shown.length, total: end })}</span>
        )}
      </div>
      {start > 0 && (
        <button
          type="button"
          className="log-more"
          onClick={() => {
            heightBefore.current = listRef.current?.scrollHeight ?? null;
            stick.current = false;
            setLimit((l) => l + PAGE);
          }}
        >
          {t('showEarlier', { n: Math.min(PAGE, start) })}
        </button>
      )}
      {shown.length === 0 ? (
        <p className="log-empty">{t('logEmpty')}</p>
      ) : (
        <ol
          ref={listRef}
          className="log-list"
          aria-labelledby="log-title"
          onKeyDown={onKeyDown}
          onScroll={(e) => {
            const el = e.currentTarget;
            stick.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
          }}
        >
          {shown.map((l) => (
            <Entry
              key={l.index}
              line={l}
              t={t}
              current={l === current}
              tabbable={l.index === tabStop}
              onGo={go}
              onFocusEntry={setFocused}
            />
          ))}
        </ol>
      )}
      {later > 0 && next && (
        <button type="button" className="log-later" onClick={() => go(next)}>
          {t('laterHidden', { n: later, t: fmtSeconds(next.t) })}
        </button>
      )}
    </section>
  );
}

const SIDE_KEYS = { client: 'sideClient', server: 'sideServer' } as const;

const Entry = memo(function Entry({
  line,
  t,
  current,
  tabbable,
  onGo,
  onFocusEntry,
}: {
  line: LogLine;
  t: Translate<MsgKey>;
  current: boolean;
  tabbable: boolean;
  onGo: (l: LogLine) => void;
  onFocusEntry: (index: number) => void;
}) {
  const b = line.body;
  const failed = b.kind === 'call' && b.failed;
  const cls = `log-entry log-${b.kind}${failed ? ' log-failed' : ''}${line.side ? ` log--${line.side}` : ''}`;
  return (
    <li>
      <button
        type="button"
        className={cls}
        data-index={line.index}
        tabIndex={tabbable ? 0 : -1}
        aria-current={current ? 'true' : undefined}
        title={t('goTo', { t: fmtSeconds(line.t) })}
        onClick={() => onGo(line)}
        onFocus={() => onFocusEntry(line.index)}
      >
        <span className="log-time mono">{fmtSeconds(line.t)}</span>
        <span className="log-side">{line.side ? t(SIDE_KEYS[line.side]) : t('sideSim')}</span>
        <span className="log-body mono">{bodyText(b, t)}</span>
      </button>
    </li>
  );
});
