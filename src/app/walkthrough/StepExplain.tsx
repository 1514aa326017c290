/**
 * The step at the cursor, told in a few sentences (account.ts), with the TCB
 * values it changed, before → after.
 */
import { useId, useMemo } from 'react';
import { BEFORE_MS, buildSteps } from './steps';
import { accountAt, instantAt, tcbChanges, type ConnChange } from './account';
import { useLang, useT } from '../i18n';
import { useSession } from '../use-session';
import { stepMessages } from './step-messages';
import type { SegmentRecord } from '../../core';
import './walkthrough.css';

export function StepExplain() {
  const session = useSession();
  const { lang } = useLang();
  const t = useT(stepMessages);
  const uid = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const world = session.world;
  const records = world.trace.records;
  const n = records.length;
  // Steps and the segment index are rebuilt only when the run grows.
  const { steps, segById } = useMemo(() => {
    const byId = new Map<number, SegmentRecord>();
    for (const r of records) if (r.kind === 'segment') byId.set(r.id, r);
    return { steps: buildSteps(records, world.trace), segById: (id: number) => byId.get(id) };
  }, [world, n]);
  const instant = instantAt(records, session.cursor)?.t ?? null;
  const { account, changes } = useMemo(() => {
    const account = accountAt(records, steps, segById, session.cursor, lang, world.profile);
    let changes: ConnChange[] = [];
    if (instant !== null)
      changes = tcbChanges(world.at(Math.max(0, instant - BEFORE_MS)), world.at(instant), lang);
    return { account, changes };
    // The account depends on the instant, not on where between instants the cursor is.
  }, [world, n, steps, instant, lang]);

  const fieldName = (f: string): string =>
    f === 'state'
      ? t('state')
      : f.startsWith('timer:')
        ? t(`timer_${f.slice(6)}` as 'timer_rtx')
        : f;
  const sideName = (c: ConnChange): string =>
    `${c.side === 'client' ? (lang === 'zh' ? '客户端' : 'Client') : lang === 'zh' ? '服务器' : 'Server'} (${c.conn})`;

  return (
    <section className="step-explain" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>{t('stepTitle')}</h2>
      <p className="step-text">{account.text}</p>
      {account.cites.length > 0 && (
        <p className="step-cites">
          <span className="visually-hidden">{t('sources')}: </span>
          {account.cites.join(' · ')}
        </p>
      )}
      {account.t !== null && (
        <>
          <h3>{t('changesTitle')}</h3>
          {changes.length === 0 ? (
            <p className="step-none">{t('noChanges')}</p>
          ) : (
            changes.map((c) => (
              <table key={c.conn} className={`step-diff mono ep--${c.side}`}>
                <caption>{sideName(c)}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('field')}</th>
                    <th scope="col">{t('before')}</th>
                    <th scope="col">{t('after')}</th>
                  </tr>
                </thead>
                <tbody>
                  {c.changes.map((f) => (
                    <tr key={f.field}>
                      <th scope="row">{fieldName(f.field)}</th>
                      <td>{f.before}</td>
                      <td>{f.after}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ))
          )}
        </>
      )}
    </section>
  );
}
