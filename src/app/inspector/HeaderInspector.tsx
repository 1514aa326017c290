/**
 * The header inspector's frame: a hint until a segment is selected. The
 * inspector itself (frame bytes, field layout, hex dump) loads on first use,
 * which keeps it out of the JavaScript the first page needs.
 */
import { Suspense, lazy, useId, type ReactNode } from 'react';
import { useT } from '../i18n';
import { useSession } from '../use-session';
import { messages } from './messages';
import './inspector.css';

const Inspect = lazy(() => import('./Inspect').then((m) => ({ default: m.Inspect })));

const secs = (ms: number) => (ms / 1000).toFixed(3);

export function HeaderInspector() {
  const session = useSession();
  const t = useT(messages);
  const uid = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const id = session.selected;
  const records = session.world.trace.records;
  const seg = id === null ? undefined : session.world.trace.segments[id];

  let body: ReactNode;
  if (id === null) body = <p className="hi-empty">{t('empty')}</p>;
  else if (!seg) body = <p className="hi-empty">{t('gone')}</p>;
  else if (seg.t > session.cursor)
    body = <p className="hi-empty">{t('notYetSent', { id: seg.id, t: secs(seg.t) })}</p>;
  else
    body = (
      <Suspense fallback={<p className="hi-empty">…</p>}>
        <Inspect key={seg.id} seg={seg} records={records} cursor={session.cursor} t={t} uid={uid} />
      </Suspense>
    );

  return (
    <section className="hi" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>{t('title')}</h2>
      {body}
    </section>
  );
}
