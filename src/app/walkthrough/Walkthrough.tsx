/**
 * The walkthrough panel: a guided tour of the current run that stops at each
 * step that matters (steps.ts), asks the student to predict each state change
 * first (optional), then moves the cursor there and explains it (explain.ts),
 * with the RFC section or Linux constant behind it. Below, how much of the
 * state machine the student has seen so far (coverage.ts).
 *
 * The walk belongs to one World: opening a scenario, resetting, or acting in
 * the past (which forks a new World) starts it afresh. At the end of what has
 * been recorded, Next runs the simulation on until the next step happens.
 */
import { useEffect, useId, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { STATES, causeText, type TraceRecord, type World } from '../../core';
import { useLang, useT } from '../i18n';
import type { Session } from '../session';
import { useSession } from '../use-session';
import { PAIRS, countCoverage, coverageOf, coverageStore } from './coverage';
import { explain, fmtInstant, segmentLabel } from './explain';
import { messages } from './messages';
import {
  buildSteps,
  choicesFor,
  cursorBefore,
  isRight,
  scoreOf,
  type Choice,
  type Step,
} from './steps';
import './walkthrough.css';

type Phase = 'idle' | 'asking' | 'shown';

interface Walk {
  /** The run this walk is about; a walk of another World is no walk at all. */
  readonly world: World | null;
  /** The step on screen; -1 before the first. */
  readonly index: number;
  readonly phase: Phase;
  /** Answers by step index ('skipped': "just show me"). */
  readonly answers: ReadonlyMap<number, Choice | 'skipped'>;
}

const IDLE: Walk = { world: null, index: -1, phase: 'idle', answers: new Map() };

/**
 * How many trace records come before `step`, when it shares its instant with
 * `prev`: everything up to `prev`'s own records, nothing of what led to `step`
 * (the segments a state change sends are recorded before the change itself).
 */
function recordsBefore(records: readonly TraceRecord[], prev: Step, step: Step): number | null {
  const mine = records.indexOf(step.records[0]!);
  if (mine < 0) return null;
  let last = -1;
  for (const r of prev.records) last = Math.max(last, records.indexOf(r));
  return last < 0 ? null : Math.min(mine, last + 1);
}

/** How many instants Next may run the simulation forward looking for the next step. */
const MAX_RUN_ON = 500;

/** Run the world on, one instant at a time, until a step beyond the first `have` appears or nothing is left to happen. */
function runOn(session: Session, have: number): Step[] {
  let steps = buildSteps(session.world.trace.records, session.world.trace);
  for (let i = 0; i < MAX_RUN_ON && steps.length <= have && session.busy; i++) {
    session.stepForward();
    steps = buildSteps(session.world.trace.records, session.world.trace);
  }
  return steps;
}

type Focus = 'choices' | 'next' | null;

/** `autoStart`: begin at once (the app opens this panel when the user asks for a walkthrough). */
export function Walkthrough({ autoStart = false }: { autoStart?: boolean } = {}) {
  const session = useSession();
  const t = useT(messages);
  const { lang } = useLang();
  const uid = useId();
  // The walk is about the run itself, also while the views show a prefix of it.
  const world = session.baseWorld;
  const records = world.trace.records;
  const nRecords = records.length;
  const cursor = session.cursor;

  const steps = useMemo(() => buildSteps(world.trace.records, world.trace), [world, nRecords]);
  const [walkState, setWalk] = useState<Walk>(IDLE);
  const walk = walkState.world === world ? walkState : IDLE;
  const started = walk.world !== null;
  const [predict, setPredict] = useState(true);

  // Coverage: this run up to the cursor, added to what every run showed.
  const runCoverage = useMemo(
    () => coverageOf(world.trace.records, cursor),
    [world, nRecords, cursor],
  );
  useEffect(() => coverageStore.add(runCoverage), [runCoverage]);
  const coverage = useSyncExternalStore(
    coverageStore.subscribe,
    coverageStore.get,
    coverageStore.get,
  );
  const counts = countCoverage(coverage);
  const runCounts = countCoverage(runCoverage);

  // Focus follows the walk: to the answers when a question appears, back to Next after one.
  const focusNext = useRef<Focus>(null);
  const firstChoice = useRef<HTMLButtonElement>(null);
  const nextButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const f = focusNext.current;
    focusNext.current = null;
    if (f === 'choices') firstChoice.current?.focus();
    else if (f === 'next') nextButton.current?.focus();
  }, [walk.index, walk.phase]);

  const go = (
    w: Walk,
    at: number,
    focus: Focus = null,
    between: { prev: Step; step: Step } | null = null,
  ): void => {
    if (session.playing) session.pause();
    focusNext.current = focus;
    setWalk(w);
    session.seek(at);
    // A step at the same instant as the one before it: the cursor cannot stand
    // between them, so the views show the run as it stood just after the earlier one.
    if (between) {
      const n = recordsBefore(session.baseWorld.trace.records, between.prev, between.step);
      if (n !== null) session.showBefore(n, between.step.t);
    }
  };

  const start = (): void => {
    go({ world, index: -1, phase: 'idle', answers: new Map() }, cursorBefore(steps, 0));
  };
  const autoStarted = useRef(false);
  useEffect(() => {
    if (!autoStart || autoStarted.current) return;
    autoStarted.current = true;
    start();
  });

  const next = (): void => {
    const j = walk.index + 1;
    let all = steps;
    if (j >= all.length) {
      if (!session.busy) return;
      all = runOn(session, all.length);
      if (j >= all.length) return;
    }
    const s = all[j]!;
    const ask = predict && s.kind === 'state' && !walk.answers.has(j);
    const w: Walk = {
      ...walk,
      world: session.baseWorld,
      index: j,
      phase: ask ? 'asking' : 'shown',
    };
    const prev = j > 0 ? all[j - 1] : undefined;
    const shared = ask && prev !== undefined && prev.t >= s.t;
    go(
      w,
      ask ? cursorBefore(all, j) : s.t,
      ask ? 'choices' : null,
      shared ? { prev, step: s } : null,
    );
  };

  const back = (): void => {
    const j = walk.index - 1;
    if (j < 0) go({ ...walk, world, index: -1, phase: 'idle' }, cursorBefore(steps, 0));
    else go({ ...walk, world, index: j, phase: 'shown' }, steps[j]!.t);
  };

  const answer = (a: Choice | 'skipped'): void => {
    const s = steps[walk.index];
    if (!s) return;
    const answers = new Map(walk.answers);
    answers.set(walk.index, a);
    go({ ...walk, answers, phase: 'shown' }, s.t, 'next');
  };

  const step = walk.index >= 0 ? steps[walk.index] : undefined;
  const asking = walk.phase === 'asking' && step?.kind === 'state';
  const canNext = !asking && (walk.index + 1 < steps.length || session.busy);
  const willRun = walk.index + 1 >= steps.length && session.busy;
  const atEnd = started && step !== undefined && walk.index === steps.length - 1 && !session.busy;
  const score = scoreOf(walk.answers, steps);
  const explanation = useMemo(
    () => (step ? explain(step, lang, world.profile) : null),
    [step, lang, world],
  );
  const questionId = `${uid}-question`;

  const sideName = (side: 'client' | 'server') => t(side);
  const stayOrGo = (c: Choice) =>
    c.stay ? t('stay', { state: c.state }) : t('goTo', { state: c.state });

  function title(s: Step) {
    switch (s.kind) {
      case 'state':
        return asking
          ? t('stateAsking', { from: s.state.from })
          : t('stateTitle', { from: s.state.from, to: s.state.to });
      case 'retransmit':
        return t('rtxTitle', { seg: segmentLabel(s.segment.seg, lang) });
      case 'drop':
        return t('dropTitle', { seg: segmentLabel(s.segment.seg, lang) });
      case 'error':
        return t('errorTitle', { call: s.call.call, errno: s.call.errno ?? '' });
      case 'eof':
        return t('eofTitle');
      case 'timer':
        return t('timerTitle', { timer: t(`timer_${s.timer.timer}`) });
      case 'cc':
        return t('ccTitle', { from: t(`phase_${s.from}`), to: t(`phase_${s.to}`) });
      case 'window':
        return t(s.change === 'closed' ? 'windowClosedTitle' : 'windowOpenedTitle');
    }
  }

  const answered = step ? walk.answers.get(walk.index) : undefined;

  return (
    // data-own-keys: the time bar's arrow-key shortcuts stay out of the walkthrough, whose
    // steps move the cursor themselves.
    <section className="wt" aria-labelledby={`${uid}-title`} data-own-keys="">
      <h2 id={`${uid}-title`}>{t('title')}</h2>
      <p className="wt-intro">{steps.length === 0 ? t('noSteps') : t('intro')}</p>

      <div className="wt-controls" role="group" aria-label={t('regionLabel')}>
        <button type="button" onClick={start} disabled={steps.length === 0 && !session.busy}>
          {started ? t('restart') : t('start')}
        </button>
        <button type="button" onClick={back} disabled={!started || walk.index < 0}>
          ◀ {t('back')}
        </button>
        <button
          type="button"
          ref={nextButton}
          onClick={next}
          disabled={!canNext}
          title={willRun ? t('nextRuns') : undefined}
        >
          {t('next')} ▶
        </button>
        <output className="wt-counter mono">
          <span aria-hidden="true">
            {walk.index >= 0
              ? t('counter', { i: walk.index + 1, n: steps.length })
              : t('counterIdle', { n: steps.length })}
          </span>
          <span className="visually-hidden">
            {t('counterLabel', { i: Math.max(0, walk.index + 1), n: steps.length })}
          </span>
        </output>
      </div>

      <div className="wt-options">
        <label>
          <input
            type="checkbox"
            checked={predict}
            onChange={(e) => {
              setPredict(e.target.checked);
              if (!e.target.checked && asking) answer('skipped');
            }}
          />{' '}
          {t('predictToggle')}
        </label>
        <span className="wt-score">
          {score.asked > 0
            ? t('score', { right: score.right, asked: score.asked })
            : t('scoreNone')}
        </span>
      </div>

      <div className="wt-card" aria-live="polite">
        {started && !step && steps.length > 0 && <p className="wt-hint">{t('before')}</p>}
        {step && (
          <>
            <h3 className="wt-step-title">
              <span className="wt-time mono">{t('at', { t: fmtInstant(step.t, lang) })}</span>{' '}
              <span className={`wt-side wt-side-${step.side}`}>{sideName(step.side)}</span>{' '}
              <span className="mono">{title(step)}</span>
            </h3>
            {step.kind === 'state' && (
              <p className="wt-event">
                {t('event')} <code>{causeText(step.state.cause)}</code>
              </p>
            )}
            {asking && step.kind === 'state' && (
              <div className="wt-predict">
                <p id={questionId} className="wt-question">
                  {t('question', { side: sideName(step.side).toLowerCase() })}
                </p>
                <div className="wt-choices" role="group" aria-labelledby={questionId}>
                  {choicesFor(step).map((c, i) => (
                    <button
                      key={`${c.stay}-${c.state}`}
                      type="button"
                      className="wt-choice mono"
                      ref={i === 0 ? firstChoice : undefined}
                      onClick={() => answer(c)}
                    >
                      {stayOrGo(c)}
                    </button>
                  ))}
                </div>
                <button type="button" className="wt-skip" onClick={() => answer('skipped')}>
                  {t('skip')}
                </button>
              </div>
            )}
            {!asking && (
              <>
                {step.kind === 'state' && answered !== undefined && answered !== 'skipped' && (
                  <p
                    className={
                      isRight(step, answered) ? 'wt-feedback wt-right' : 'wt-feedback wt-wrong'
                    }
                  >
                    {isRight(step, answered)
                      ? t('right', { state: step.state.to })
                      : `${t('wrong', { state: step.state.to })} ${t('yourAnswer', { answer: stayOrGo(answered) })}`}
                  </p>
                )}
                {explanation && <p className="wt-explain">{explanation.text}</p>}
                {explanation && (
                  <div className="wt-cites">
                    <span className="wt-cites-label">{t('sources')}:</span>
                    <ul>
                      {explanation.cites.map((c) => (
                        <li key={c}>
                          <cite>{c}</cite>
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
                {atEnd && <p className="wt-hint">{t('end')}</p>}
              </>
            )}
          </>
        )}
      </div>

      <section className="wt-coverage" aria-labelledby={`${uid}-coverage`}>
        <h3 id={`${uid}-coverage`}>{t('coverage')}</h3>
        <p className="wt-count">
          {t('statesSeen', { n: counts.states, total: counts.statesTotal })}{' '}
          <span className="wt-muted">{t('thisRun', { n: runCounts.states })}</span>
        </p>
        <ul className="wt-states">
          {STATES.map((s) => {
            const on = coverage.states.has(s);
            return (
              <li key={s} className={on ? 'wt-on' : 'wt-off'}>
                <span aria-hidden="true" className="wt-mark">
                  {on ? '✓' : '·'}
                </span>
                <span className="mono">{s}</span>
                <span className="visually-hidden">, {on ? t('seen') : t('notSeen')}</span>
              </li>
            );
          })}
        </ul>
        <p className="wt-count">
          {t('transitionsSeen', { n: counts.transitions, total: counts.transitionsTotal })}{' '}
          <span className="wt-muted">{t('thisRun', { n: runCounts.transitions })}</span>
        </p>
        <details className="wt-transitions">
          <summary>{t('showTransitions')}</summary>
          <ul>
            {PAIRS.map((p) => {
              const on = coverage.transitions.has(p.id);
              return (
                <li key={p.id} className={on ? 'wt-on' : 'wt-off'}>
                  <span aria-hidden="true" className="wt-mark">
                    {on ? '✓' : '·'}
                  </span>
                  <span className="mono">
                    {p.from} → {p.to}
                  </span>
                  <span className="visually-hidden">, {on ? t('seen') : t('notSeen')}</span>
                </li>
              );
            })}
          </ul>
        </details>
        <p className="wt-coverage-foot">
          <span className="wt-muted">{t('coverageHint')}</span>{' '}
          <button type="button" onClick={() => coverageStore.reset()}>
            {t('resetCoverage')}
          </button>
        </p>
      </section>
    </section>
  );
}
