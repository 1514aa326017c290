/**
 * Where the walkthrough lives on the page. Its explanations are a large
 * catalog, so the panel proper loads when a person asks for it.
 */
import { Suspense, lazy, useState } from 'react';
import { useT } from '../i18n';
import { messages } from '../messages';

const Walkthrough = lazy(() => import('./Walkthrough').then((m) => ({ default: m.Walkthrough })));

export function WalkthroughSlot() {
  const t = useT(messages);
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <section className="wt-slot" aria-label={t('walkthroughTitle')}>
        <h2>{t('walkthroughTitle')}</h2>
        <p>{t('walkthroughIntro')}</p>
        <button type="button" onClick={() => setOpen(true)}>
          {t('walkthroughStart')}
        </button>
      </section>
    );
  return (
    <Suspense fallback={<p>…</p>}>
      <Walkthrough autoStart />
    </Suspense>
  );
}
