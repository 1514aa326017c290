/**
 * The box under the ladder: the account of the step at the cursor, always on;
 * or, when a person asks for it, the walkthrough in its place. Both load on
 * first render, in their own chunk (their text catalog is large).
 */
import { Suspense, lazy, useState } from 'react';
import { useT } from '../i18n';
import { stepMessages } from './step-messages';

const StepExplain = lazy(() => import('./StepExplain').then((m) => ({ default: m.StepExplain })));
const Walkthrough = lazy(() => import('./Walkthrough').then((m) => ({ default: m.Walkthrough })));
const Exercise = lazy(() => import('./Exercise').then((m) => ({ default: m.Exercise })));

export function StepArea() {
  const t = useT(stepMessages);
  const [mode, setMode] = useState<'step' | 'walk' | 'exercise'>('step');
  if (mode === 'exercise')
    return (
      <div className="step-area">
        <Suspense fallback={<p>…</p>}>
          <Exercise onClose={() => setMode('step')} />
        </Suspense>
      </div>
    );
  if (mode === 'walk')
    return (
      <div className="step-area">
        <button type="button" className="step-back" onClick={() => setMode('step')}>
          {t('walkClose')}
        </button>
        <Suspense fallback={<p>…</p>}>
          <Walkthrough autoStart />
        </Suspense>
      </div>
    );
  return (
    <div className="step-area">
      <Suspense fallback={<p className="step-loading">…</p>}>
        <StepExplain />
      </Suspense>
      <p className="step-walk">
        {t('walkIntro')}{' '}
        <button type="button" onClick={() => setMode('walk')}>
          {t('walkStart')}
        </button>{' '}
        <button type="button" onClick={() => setMode('exercise')}>
          {t('exerciseStart')}
        </button>
      </p>
    </div>
  );
}
