/**
 * The header inspector's place on the page: a hint until a segment is
 * selected. The inspector itself (its catalog, the frame bytes, the field
 * layout, the hex dump) loads on first use, keeping it out of the first page.
 */
import { Suspense, lazy, useId } from 'react';
import { useT } from '../i18n';
import { messages as app } from '../messages';
import { useSession } from '../use-session';
import './inspector.css';

const InspectorPanel = lazy(() => import('./Inspect').then((m) => ({ default: m.InspectorPanel })));

export function HeaderInspector() {
  const session = useSession();
  const t = useT(app);
  const uid = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  // In exercise mode the header of a segment still to be answered is not shown.
  if (session.selected !== null && session.hiddenFor(session.selected))
    return (
      <section className="hi" aria-labelledby={`${uid}-h`}>
        <h2 id={`${uid}-h`}>{t('inspectorTitle')}</h2>
        <p className="hi-empty">{t('inspectorHidden')}</p>
      </section>
    );
  if (session.selected !== null)
    return (
      <Suspense fallback={<p className="hi-empty">…</p>}>
        <InspectorPanel />
      </Suspense>
    );
  return (
    <section className="hi" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>{t('inspectorTitle')}</h2>
      <p className="hi-empty">{t('inspectorEmpty')}</p>
    </section>
  );
}
