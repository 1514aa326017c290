/**
 * Exercise mode: the learner chooses which fields to hide (seq, ack, flags,
 * window, the receiver's state after the segment), then goes through the run's
 * segments one by one, fills in the hidden fields, checks them against the
 * model, reads the explanation of that instant, and gets a score at the end.
 * While it runs, the ladder and the inspector show the hidden fields of the
 * segment asked and of those after it as "?" (session.exercise).
 */
import { useEffect, useId, useMemo, useState } from 'react';
import type { SegmentRecord } from '../../core';
import { useLang, useT } from '../i18n';
import { useSession } from '../use-session';
import { accountAt } from './account';
import {
  EX_FIELDS,
  STATE_CHOICES,
  buildQuestions,
  mark,
  score,
  type ExField,
  type Marked,
} from './exercise';
import { exerciseMessages } from './exercise-messages';
import { buildSteps } from './steps';

type Phase = 'setup' | 'asking' | 'checked' | 'done';

export function Exercise({ onClose }: { onClose: () => void }) {
  const session = useSession();
  const { lang } = useLang();
  const t = useT(exerciseMessages);
  const uid = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const world = session.world;
  const [hidden, setHidden] = useState<ExField[]>(['seq', 'ack', 'flags']);
  const [phase, setPhase] = useState<Phase>('setup');
  const [index, setIndex] = useState(0);
  const [given, setGiven] = useState<Partial<Record<ExField, string>>>({});
  const [marks, setMarks] = useState<Marked[][]>([]);

  // The questions: the segments of the run on screen, as recorded so far.
  const questions = useMemo(
    () => buildQuestions(world.trace.records, (x) => world.at(x)),
    [world, phase === 'setup' ? 0 : 1],
  );
  const q = questions[index];
  // The walkthrough's steps of this run, for the explanation shown after each check.
  const steps = useMemo(() => buildSteps(world.trace.records, world.trace), [world, questions]);

  // While asking, the views hide the chosen fields of this segment and the later ones.
  useEffect(() => {
    if (phase === 'asking' && q) session.setExercise({ fromId: q.id, fields: hidden });
    else if (phase === 'checked' && q) {
      const next = questions[index + 1];
      session.setExercise(next ? { fromId: next.id, fields: hidden } : null);
    } else session.setExercise(null);
  }, [session, phase, q, index, questions, hidden]);
  useEffect(() => () => session.setExercise(null), [session]);

  const goTo = (i: number) => {
    const next = questions[i];
    if (!next) {
      setPhase('done');
      return;
    }
    setIndex(i);
    setGiven({});
    setPhase('asking');
    session.pause();
    session.select(null);
    session.seek(next.t);
  };

  const start = () => {
    // The questions are the segments recorded so far.
    session.pause();
    setMarks([]);
    setPhase('asking');
    setIndex(0);
    setGiven({});
    const first = buildQuestions(session.world.trace.records, (x) => session.world.at(x))[0];
    if (first) {
      session.select(null);
      session.seek(first.t);
    } else setPhase('done');
  };

  const check = () => {
    if (!q) return;
    setMarks((m) => [...m, mark(q, hidden, given)]);
    setPhase('checked');
  };

  const total = score(marks);
  const fieldName = (f: ExField) => t(`f_${f}`);
  const segById = (id: number): SegmentRecord | undefined =>
    world.trace.segments.find((s) => s.id === id);

  if (phase === 'setup')
    return (
      <section className="ex" aria-labelledby={`${uid}-h`}>
        <h2 id={`${uid}-h`}>{t('title')}</h2>
        <p>{t('intro')}</p>
        <fieldset className="ex-fields">
          <legend>{t('hideWhich')}</legend>
          {EX_FIELDS.map((f) => (
            <label key={f}>
              <input
                type="checkbox"
                checked={hidden.includes(f)}
                onChange={(e) =>
                  setHidden((h) =>
                    e.target.checked
                      ? EX_FIELDS.filter((x) => x === f || h.includes(x))
                      : h.filter((x) => x !== f),
                  )
                }
              />{' '}
              {fieldName(f)}
            </label>
          ))}
        </fieldset>
        <p>
          <button type="button" disabled={hidden.length === 0} onClick={start}>
            {t('start')}
          </button>{' '}
          <button type="button" onClick={onClose}>
            {t('close')}
          </button>
        </p>
      </section>
    );

  if (phase === 'done' || !q)
    return (
      <section className="ex" aria-labelledby={`${uid}-h`}>
        <h2 id={`${uid}-h`}>{t('title')}</h2>
        <p className="ex-score" role="status">
          {t('final', { right: total.right, asked: total.asked })}
        </p>
        <p>
          <button type="button" onClick={() => setPhase('setup')}>
            {t('again')}
          </button>{' '}
          <button type="button" onClick={onClose}>
            {t('close')}
          </button>
        </p>
      </section>
    );

  const asked = hidden.filter((f) => q.answers[f] !== null);
  const shown = EX_FIELDS.filter((f) => !hidden.includes(f) && q.answers[f] !== null);
  const mine = phase === 'checked' ? marks[marks.length - 1] : undefined;
  const explanation =
    phase === 'checked'
      ? accountAt(world.trace.records, steps, segById, q.t, lang, world.profile).text
      : null;

  return (
    <section className="ex" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>
        {t('title')}{' '}
        <span className="ex-count">{t('counter', { i: index + 1, n: questions.length })}</span>
      </h2>
      <p>
        {t(q.from === 'client' ? 'askC2S' : 'askS2C', { t: (q.t / 1000).toFixed(4) })}{' '}
        {shown.map((f) => `${fieldName(f)} ${q.answers[f]}`).join(' · ')}
      </p>
      <form
        className="ex-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (phase === 'asking') check();
          else goTo(index + 1);
        }}
      >
        {asked.length === 0 && <p>{t('nothingAsked')}</p>}
        {asked.map((f) => {
          const m = mine?.find((x) => x.field === f);
          return (
            <div key={f} className="ex-row">
              <label htmlFor={`${uid}-${f}`}>{fieldName(f)}</label>
              {f === 'state' ? (
                <select
                  id={`${uid}-${f}`}
                  value={given[f] ?? ''}
                  disabled={phase !== 'asking'}
                  onChange={(e) => setGiven((g) => ({ ...g, [f]: e.target.value }))}
                >
                  <option value="">—</option>
                  {STATE_CHOICES.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={`${uid}-${f}`}
                  className="mono"
                  value={given[f] ?? ''}
                  readOnly={phase !== 'asking'}
                  autoComplete="off"
                  spellCheck={false}
                  onChange={(e) => setGiven((g) => ({ ...g, [f]: e.target.value }))}
                />
              )}
              {m && (
                <span className={m.right ? 'ex-right' : 'ex-wrong'}>
                  {m.right ? t('right') : t('wrong', { answer: m.answer })}
                </span>
              )}
            </div>
          );
        })}
        <p>
          {phase === 'asking' ? (
            <button type="submit">{t('check')}</button>
          ) : (
            <button type="submit">{index + 1 < questions.length ? t('next') : t('finish')}</button>
          )}{' '}
          <span className="ex-tally">{t('tally', { right: total.right, asked: total.asked })}</span>
        </p>
      </form>
      {explanation && <p className="ex-explain">{explanation}</p>}
    </section>
  );
}
