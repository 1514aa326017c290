/**
 * The link, one direction at a time: one-way delay, loss, duplication and
 * reordering, the bottleneck (its rate and its queue's limit, with how full
 * the queue is at the cursor), and a button that drops the next segment sent
 * that way. Probabilities are shown in percent and given to the session as
 * 0..1; the rate in Mbit/s, given as bit/s; a queue of bytes in KB (1024
 * bytes, as scenario files count them). The bounds are the core's
 * (LINK_LIMITS, RATE_LIMIT, QUEUE_LIMITS), so whatever is set here can be
 * shared and saved.
 */
import { useId, useState } from 'react';
import {
  LINK_LIMITS,
  QUEUE_LIMITS,
  RATE_LIMIT,
  type QueueLevel,
  type QueueLimit,
  type Side,
} from '../../core';
import { useT, type Translate } from '../i18n';
import { useSession } from '../use-session';
import type { MsgKey } from './log';
import { messages } from './messages';
import { pendingDrops } from './availability';
import './panels.css';

type Field = 'delay' | 'loss' | 'duplicate' | 'reorder' | 'rate';

interface FieldSpec {
  readonly label: MsgKey;
  /** Bounds in the unit shown. */
  readonly min: number;
  readonly max: number;
  readonly sliderMax: number;
  readonly step: number;
  /** From the config's unit (ms, probability) to the one shown (ms, %). */
  readonly show: (v: number) => number;
  readonly store: (v: number) => number;
}

const round = (v: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

const FIELDS: Readonly<Record<Field, FieldSpec>> = {
  delay: {
    label: 'delay',
    min: LINK_LIMITS.delay.min,
    max: LINK_LIMITS.delay.max,
    sliderMax: 1000,
    step: 1,
    show: (v) => round(v, 3),
    store: (v) => v,
  },
  loss: percent('loss'),
  duplicate: percent('duplicate'),
  reorder: percent('reorder'),
  rate: {
    label: 'rate',
    min: 0,
    max: RATE_LIMIT.max / 1e6,
    sliderMax: 100,
    step: 0.1,
    show: (bits) => round(bits / 1e6, 6),
    // 0 is no bottleneck; anything else at least the slowest rate the core takes.
    store: (mbit) =>
      mbit <= 0 ? 0 : Math.min(RATE_LIMIT.max, Math.max(RATE_LIMIT.min, Math.round(mbit * 1e6))),
  },
};

type QueueUnit = 'packets' | 'KB';
const KB = 1024;

function percent(label: 'loss' | 'duplicate' | 'reorder'): FieldSpec {
  return {
    label,
    min: LINK_LIMITS[label].min * 100,
    max: LINK_LIMITS[label].max * 100,
    sliderMax: 100,
    step: 1,
    show: (p) => round(p * 100, 2),
    store: (v) => v / 100,
  };
}

export function LinkPanel() {
  const t = useT(messages);
  return (
    <section className="link" aria-labelledby="link-title">
      <h2 id="link-title">{t('link')}</h2>
      <div className="link-dirs">
        <Direction from="client" t={t} />
        <Direction from="server" t={t} />
      </div>
      <p className="link-hint">{t('bottleneckHint')}</p>
      <p className="link-hint">
        <span aria-hidden="true">✂ </span>
        {t('linkHint')}
      </p>
    </section>
  );
}

function Direction({ from, t }: { from: Side; t: Translate<MsgKey> }) {
  const session = useSession();
  const id = useId();
  const config = session.world.link.config[from];
  const dir = t(from === 'client' ? 'dirClient' : 'dirServer');
  const { next: armed, waiting } = pendingDrops(session.world.link.pendingRules, from);
  const described = [armed > 0 ? `${id}-armed` : '', waiting > 0 ? `${id}-waiting` : '']
    .filter(Boolean)
    .join(' ');
  const legendId = `${id}-legend`;
  return (
    <fieldset className={`link-dir link-dir--${from}`}>
      <legend id={legendId}>
        <span className="side-mark" aria-hidden="true">
          {from === 'client' ? 'C' : 'S'}
        </span>
        {dir}
      </legend>
      {(Object.keys(FIELDS) as Field[]).map((f) => (
        <NumberField
          key={f}
          id={`${id}-${f}`}
          legendId={legendId}
          spec={FIELDS[f]}
          value={config[f]}
          t={t}
          onChange={(v) => session.setLink(from, { [f]: v })}
        />
      ))}
      <QueueField
        id={`${id}-queue`}
        legendId={legendId}
        limit={config.queue}
        t={t}
        onChange={(queue) => session.setLink(from, { queue })}
      />
      {(config.rate > 0 || session.view.queues[from].packets > 0) && (
        <QueueNow
          id={`${id}-now`}
          legendId={legendId}
          level={session.view.queues[from]}
          limit={config.queue}
          t={t}
        />
      )}
      <div className="link-drop">
        <button
          type="button"
          onClick={() => session.dropNext(from)}
          aria-describedby={described || undefined}
        >
          <span aria-hidden="true">✂ </span>
          {t('dropNext')}
        </button>
        {armed > 0 && (
          <span id={`${id}-armed`} className="link-armed" role="status">
            {armed === 1 ? t('dropArmed', { dir }) : t('dropArmedMany', { dir, n: armed })}
          </span>
        )}
        {waiting > 0 && (
          <span id={`${id}-waiting`} className="link-armed" role="status">
            {waiting === 1 ? t('dropWaiting', { dir }) : t('dropWaitingMany', { dir, n: waiting })}
          </span>
        )}
      </div>
    </fieldset>
  );
}

/**
 * A number box with a slider beside it. The box keeps what is being typed
 * until it is a valid number, so clearing it to type anew does not snap back.
 */
function NumberField({
  id,
  legendId,
  spec,
  value,
  t,
  onChange,
}: {
  id: string;
  legendId: string;
  spec: FieldSpec;
  value: number;
  t: Translate<MsgKey>;
  onChange: (stored: number) => void;
}) {
  const shown = spec.show(value);
  const [draft, setDraft] = useState<string | null>(null);
  const labelId = `${id}-label`;
  const commit = (text: string): void => {
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v)) return;
    const clamped = Math.min(spec.max, Math.max(spec.min, v));
    if (clamped !== shown) onChange(spec.store(clamped));
  };
  return (
    <div className="link-field">
      <label id={labelId} htmlFor={id}>
        {t(spec.label)}
      </label>
      <input
        id={id}
        className="link-num mono"
        type="number"
        inputMode="decimal"
        min={spec.min}
        max={spec.max}
        step={spec.step}
        aria-labelledby={`${legendId} ${labelId}`}
        value={draft ?? String(shown)}
        onChange={(e) => {
          setDraft(e.target.value);
          commit(e.target.value);
        }}
        onBlur={() => setDraft(null)}
      />
      <input
        className="link-range"
        type="range"
        min={spec.min}
        max={Math.max(spec.sliderMax, shown)}
        step={spec.step}
        aria-labelledby={`${legendId} ${labelId}`}
        value={shown}
        onChange={(e) => commit(e.target.value)}
      />
    </div>
  );
}

/** The queue's limit: a number (0: none) in packets or KB, a unit, and a slider. */
function QueueField({
  id,
  legendId,
  limit,
  t,
  onChange,
}: {
  id: string;
  legendId: string;
  limit: QueueLimit | null;
  t: Translate<MsgKey>;
  onChange: (limit: QueueLimit | null) => void;
}) {
  const [chosen, setChosen] = useState<QueueUnit>('packets');
  const unit: QueueUnit = limit === null ? chosen : 'packets' in limit ? 'packets' : 'KB';
  const shown =
    limit === null ? 0 : 'packets' in limit ? limit.packets : round(limit.bytes / KB, 3);
  const [draft, setDraft] = useState<string | null>(null);
  const max = unit === 'packets' ? QUEUE_LIMITS.packets.max : QUEUE_LIMITS.bytes.max / KB;
  const store = (v: number, u: QueueUnit): QueueLimit | null => {
    if (v <= 0) return null;
    if (u === 'packets')
      return { packets: Math.min(QUEUE_LIMITS.packets.max, Math.max(1, Math.round(v))) };
    return { bytes: Math.min(QUEUE_LIMITS.bytes.max, Math.max(1, Math.round(v * KB))) };
  };
  const commit = (text: string): void => {
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v)) return;
    const next = store(Math.min(max, v), unit);
    if (JSON.stringify(next) !== JSON.stringify(limit)) onChange(next);
  };
  const labelId = `${id}-label`;
  return (
    <div className="link-field link-field--queue">
      <label id={labelId} htmlFor={id}>
        {t('queueLimit')}
      </label>
      <input
        id={id}
        className="link-num mono"
        type="number"
        inputMode="decimal"
        min={0}
        max={max}
        step={1}
        aria-labelledby={`${legendId} ${labelId}`}
        value={draft ?? String(shown)}
        onChange={(e) => {
          setDraft(e.target.value);
          commit(e.target.value);
        }}
        onBlur={() => setDraft(null)}
      />
      <select
        className="link-unit"
        aria-label={t('queueUnit')}
        value={unit}
        onChange={(e) => {
          const u = e.target.value as QueueUnit;
          setChosen(u);
          // The same number in the other unit: 64 packets become 64 KB.
          if (limit !== null) onChange(store(shown, u));
        }}
      >
        <option value="packets">{t('unitPackets')}</option>
        <option value="KB">{t('unitKB')}</option>
      </select>
      <input
        className="link-range"
        type="range"
        min={0}
        max={Math.max(unit === 'packets' ? 1000 : 1024, shown)}
        step={1}
        aria-labelledby={`${legendId} ${labelId}`}
        value={shown}
        onChange={(e) => commit(e.target.value)}
      />
    </div>
  );
}

/** How full the queue is at the cursor: packets and bytes, and a meter when it has a limit. */
function QueueNow({
  id,
  legendId,
  level,
  limit,
  t,
}: {
  id: string;
  legendId: string;
  level: QueueLevel;
  limit: QueueLimit | null;
  t: Translate<MsgKey>;
}) {
  const kb = round(level.bytes / KB, 1);
  const text =
    level.packets === 0
      ? t('queueEmpty')
      : level.packets === 1
        ? t('queueOne', { kb })
        : t('queueLevel', { n: level.packets, kb });
  const [value, max] =
    limit === null
      ? [0, 0]
      : 'packets' in limit
        ? [level.packets, limit.packets]
        : [round(level.bytes / KB, 1), round(limit.bytes / KB, 1)];
  const labelId = `${id}-label`;
  return (
    <div className="link-queue">
      <span id={labelId}>{t('queueNow')}</span>
      <output className="mono" aria-labelledby={`${legendId} ${labelId}`}>
        {text}
      </output>
      {limit !== null && (
        <meter
          className="link-meter"
          min={0}
          max={max}
          high={max * 0.75}
          value={Math.min(value, max)}
          aria-labelledby={`${legendId} ${labelId}`}
          title={t('queueFill', { n: value, max })}
        />
      )}
    </div>
  );
}
