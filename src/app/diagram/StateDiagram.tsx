/**
 * The RFC 9293 state diagram, drawn from the endpoint machine itself, with
 * where the client and the server are now and the transition each just took.
 */
import { useId, useState, useSyncExternalStore, type ReactNode } from 'react';
import { causeText, type Side, type StateName } from '../../core';
import { useLang, useT } from '../i18n';
import { labelsIn } from './descriptions';
import { useSession } from '../use-session';
import {
  RECENT_MS,
  buildGraph,
  recentChange,
  type DiagramEdge,
  type DiagramNode,
  type Point,
  type StateChange,
} from './graph';
import { messages } from './messages';
import './diagram.css';

/** The diagram does not change: it is the machine's. */
const GRAPH = buildGraph();
const W = GRAPH.width;
const H = GRAPH.height;
const SIDES: readonly Side[] = ['client', 'server'];

const reducedQuery = '(prefers-reduced-motion: reduce)';
function subscribeReduced(cb: () => void): () => void {
  if (typeof matchMedia !== 'function') return () => undefined;
  const m = matchMedia(reducedQuery);
  m.addEventListener('change', cb);
  return () => m.removeEventListener('change', cb);
}
const reducedNow = () => typeof matchMedia === 'function' && matchMedia(reducedQuery).matches;
const useReducedMotion = () => useSyncExternalStore(subscribeReduced, reducedNow, () => false);

type Focus = { kind: 'edge'; edge: DiagramEdge } | { kind: 'node'; node: DiagramNode };

/** Where the tooltip box goes, in percent of the drawing, and which way it opens. */
function tipPlacement(p: Point): { left: string; top: string; className: string } {
  const h = p.x < W * 0.3 ? 'dg-tip-right' : p.x > W * 0.7 ? 'dg-tip-left' : 'dg-tip-centre';
  const v = p.y < H * 0.35 ? 'dg-tip-below' : 'dg-tip-above';
  return { left: `${(p.x / W) * 100}%`, top: `${(p.y / H) * 100}%`, className: `${h} ${v}` };
}

export function StateDiagram() {
  const session = useSession();
  const t = useT(messages);
  const { lang } = useLang();
  /** Labels in the UI's language, looked up by transition id, without repeats. */
  const edgeLabels = (e: DiagramEdge): string[] => labelsIn(lang, e.transitions);
  const selfLabels = (n: DiagramNode): string[] => labelsIn(lang, n.self);
  const reduced = useReducedMotion();
  const uid = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const [focus, setFocus] = useState<Focus | null>(null);

  const cursor = session.cursor;
  const records = session.world.trace.records;
  const conn = { client: session.connOf('client'), server: session.connOf('server') };
  const state: Record<Side, StateName> = {
    client: conn.client?.state ?? 'CLOSED',
    server: conn.server?.state ?? 'CLOSED',
  };
  const recent: Record<Side, StateChange | null> = {
    client: recentChange(records, 'client', cursor, conn.client?.id ?? null),
    server: recentChange(records, 'server', cursor, conn.server?.id ?? null),
  };
  const sideName = (s: Side) => t(s);
  const sideSummary = (s: Side) =>
    conn[s]
      ? t('lastChange', { side: sideName(s), state: state[s] })
      : t('noConnection', { side: sideName(s) });
  const summary = t('summary', { client: sideSummary('client'), server: sideSummary('server') });

  const marker = (name: string) => `url(#${uid}-${name})`;
  const edgeOf = (c: StateChange | null) =>
    c ? GRAPH.edges.find((e) => e.from === c.from && e.to === c.to) : undefined;
  const fade = (c: StateChange) => (reduced ? 1 : Math.max(0.35, 1 - (cursor - c.t) / RECENT_MS));

  const show = (f: Focus) => setFocus(f);
  const hide = () => setFocus(null);

  // ---------------------------------------------------------------- edges
  const edges = GRAPH.edges.map((e) => {
    const label = t('edgeLabel', { from: e.from, to: e.to, labels: edgeLabels(e).join('; ') });
    const focused = focus?.kind === 'edge' && focus.edge.id === e.id;
    return (
      <g
        key={e.id}
        className={`dg-edge ${e.main ? 'dg-main' : 'dg-other'}${focused ? ' dg-focused' : ''}`}
        tabIndex={0}
        role="img"
        aria-label={label}
        data-edge={e.id}
        onMouseEnter={() => show({ kind: 'edge', edge: e })}
        onMouseLeave={hide}
        onFocus={() => show({ kind: 'edge', edge: e })}
        onBlur={hide}
      >
        <title>{`${t('edgeTitle', { from: e.from, to: e.to })}\n${edgeLabels(e).join('\n')}`}</title>
        <path className="dg-hit" d={e.path} />
        <path
          className="dg-line"
          d={e.path}
          markerEnd={marker(focused ? 'arrow-focus' : e.main ? 'arrow-main' : 'arrow-other')}
        />
      </g>
    );
  });

  // ---------------------------------------------------------------- recent transitions
  const highlights: ReactNode[] = [];
  const pills: ReactNode[] = [];
  const pillCount = new Map<string, number>();
  for (const s of SIDES) {
    const c = recent[s];
    if (!c) continue;
    const e = edgeOf(c);
    const key = e ? e.id : `self-${c.to}`;
    const n = pillCount.get(key) ?? 0;
    pillCount.set(key, n + 1);
    const opacity = fade(c);
    let at: Point;
    if (e) {
      highlights.push(
        <path
          key={`hl-${s}`}
          className={`dg-hl dg-hl-${s}`}
          d={e.path}
          style={{ opacity }}
          markerEnd={marker(`arrow-${s}`)}
        />,
      );
      at = e.mid;
    } else {
      const node = GRAPH.nodes.find((x) => x.id === c.to)!;
      at = { x: node.x + node.w / 2 + 26, y: node.y };
    }
    const label = e ? sideName(s) : `↻ ${sideName(s)}`;
    const pw = 12 + label.length * (/[\u3000-\u9fff]/.test(label) ? 12 : 6.6);
    pills.push(
      <g
        key={`pill-${s}`}
        className={`dg-pill dg-pill-${s}`}
        transform={`translate(${at.x - pw / 2},${at.y - 9 + n * 20})`}
        style={{ opacity: Math.max(opacity, 0.6) }}
      >
        <rect width={pw} height={18} rx={9} />
        <text x={pw / 2} y={13}>
          {label}
        </text>
      </g>,
    );
  }

  // ---------------------------------------------------------------- nodes
  /** Under the name: a badge for each side in this state, then the count of self-transitions. */
  const secondLine = (n: DiagramNode, here: readonly Side[]) => {
    const BADGE = 48;
    const GAP = 4;
    const self = selfLabels(n);
    const selfText = self.length ? t('selfCount', { n: self.length }) : '';
    const selfW = selfText ? 6 + selfText.length * 6 : 0;
    const total =
      here.length * BADGE +
      Math.max(0, here.length - 1) * GAP +
      (selfW ? (here.length ? GAP : 0) + selfW : 0);
    let x = n.x - total / 2;
    const y = n.y + 4;
    const items: ReactNode[] = here.map((s) => {
      const g = (
        <g key={s} className={`dg-badge dg-badge-${s}`} transform={`translate(${x},${y})`}>
          <rect width={BADGE} height={15} rx={7.5} />
          <text x={BADGE / 2} y={11.5}>
            {sideName(s)}
          </text>
        </g>
      );
      x += BADGE + GAP;
      return g;
    });
    if (selfText)
      items.push(
        <text key="self" className="dg-self" x={x + selfW / 2} y={y + 11.5}>
          {selfText}
        </text>,
      );
    return items;
  };

  const nodes = GRAPH.nodes.map((n) => {
    const here = SIDES.filter((s) => state[s] === n.id);
    const who = here.map(sideName).join(', ');
    const self = selfLabels(n);
    const selfText =
      self.length > 0
        ? t('nodeSelf', { n: self.length, labels: self.join('; ') })
        : t('nodeNoSelf');
    const label = t('nodeLabel', {
      state: n.id,
      here: here.length ? t('nodeHere', { who }) : '',
      self: selfText,
    });
    const x = n.x - n.w / 2;
    const y = n.y - n.h / 2;
    const cls = here.length === 2 ? 'dg-both' : here.length === 1 ? `dg-at-${here[0]}` : '';
    const focused = focus?.kind === 'node' && focus.node.id === n.id;
    return (
      <g
        key={n.id}
        className={`dg-node ${cls}${focused ? ' dg-focused' : ''}`}
        tabIndex={0}
        role="img"
        aria-label={label}
        data-state={n.id}
        onMouseEnter={() => show({ kind: 'node', node: n })}
        onMouseLeave={hide}
        onFocus={() => show({ kind: 'node', node: n })}
        onBlur={hide}
      >
        <title>{`${n.id}\n${self.map((l) => `↻ ${l}`).join('\n')}`}</title>
        <rect className="dg-ring" x={x - 4} y={y - 4} width={n.w + 8} height={n.h + 8} rx={11} />
        <rect
          className="dg-box"
          x={x}
          y={y}
          width={n.w}
          height={n.h}
          rx={8}
          fill={here.length === 2 ? `url(#${uid}-both)` : undefined}
        />
        {here.length === 2 && (
          <rect
            className="dg-box-inner"
            x={x + 4}
            y={y + 4}
            width={n.w - 8}
            height={n.h - 8}
            rx={5}
          />
        )}
        <text className="dg-name" x={n.x} y={n.y - 4}>
          {n.id}
        </text>
        {secondLine(n, here)}
      </g>
    );
  });

  // ---------------------------------------------------------------- tooltip
  let tip: ReactNode = null;
  if (focus) {
    const where = tipPlacement(
      focus.kind === 'edge'
        ? focus.edge.mid
        : {
            x: focus.node.x,
            y: focus.node.y + (focus.node.y < H * 0.35 ? focus.node.h / 2 : -focus.node.h / 2),
          },
    );
    tip = (
      <div
        className={`dg-tip ${where.className}`}
        style={{ left: where.left, top: where.top }}
        aria-hidden="true"
      >
        {focus.kind === 'edge' ? (
          <>
            <div className="dg-tip-title">
              {t('edgeTitle', { from: focus.edge.from, to: focus.edge.to })}
            </div>
            <ul>
              {edgeLabels(focus.edge).map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
          </>
        ) : (
          <>
            <div className="dg-tip-title">{t('staysIn', { state: focus.node.id })}</div>
            {focus.node.self.length ? (
              <ul>
                {selfLabels(focus.node).map((l) => (
                  <li key={l}>{l}</li>
                ))}
              </ul>
            ) : (
              <div>{t('nodeNoSelf')}</div>
            )}
          </>
        )}
      </div>
    );
  }

  const arrow = (name: string) => (
    <marker
      id={`${uid}-${name}`}
      className={`dg-arrow dg-${name}`}
      viewBox="0 0 10 10"
      refX={9}
      refY={5}
      markerWidth={7}
      markerHeight={7}
      markerUnits="userSpaceOnUse"
      orient="auto-start-reverse"
    >
      <path d="M0,1 L10,5 L0,9 z" />
    </marker>
  );

  return (
    <section className="dg" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>{t('title')}</h2>
      <div className="dg-canvas">
        <svg
          className="dg-svg"
          viewBox={`0 0 ${W} ${H}`}
          role="group"
          aria-label={t('diagramLabel', { summary })}
        >
          <defs>
            {arrow('arrow-main')}
            {arrow('arrow-other')}
            {arrow('arrow-focus')}
            {arrow('arrow-client')}
            {arrow('arrow-server')}
            <linearGradient id={`${uid}-both`} x1="0" x2="1" y1="0" y2="0">
              <stop offset="0.5" className="dg-stop-client" />
              <stop offset="0.5" className="dg-stop-server" />
            </linearGradient>
          </defs>
          <g className="dg-edges">{edges}</g>
          <g className="dg-highlights" aria-hidden="true">
            {highlights}
          </g>
          <g className="dg-nodes">{nodes}</g>
          <g className="dg-pills" aria-hidden="true">
            {pills}
          </g>
        </svg>
        {tip}
      </div>
      <p className="dg-status">
        {SIDES.map((s) => {
          const c = recent[s];
          return (
            <span key={s} className={`dg-status-side dg-status-${s}`}>
              <span className={`dg-swatch dg-swatch-${s}`} aria-hidden="true" />
              {conn[s]
                ? t('lastChange', { side: sideName(s), state: state[s] })
                : t('noConnection', { side: sideName(s) })}
              {c && (
                <span className="dg-status-cause">
                  {' '}
                  ← {c.from === c.to ? '↻' : c.from} ({causeText(c.cause)})
                </span>
              )}
            </span>
          );
        })}
      </p>
      <details className="dg-more">
        <summary>{t('legendTitle')}</summary>
        <div className="dg-legend">
          <span>
            <svg className="dg-key" viewBox="0 0 28 8" aria-hidden="true">
              <line className="dg-key-main" x1="0" y1="4" x2="28" y2="4" />
            </svg>
            {t('legendMain')}
          </span>
          <span>
            <svg className="dg-key" viewBox="0 0 28 8" aria-hidden="true">
              <line className="dg-key-other" x1="0" y1="4" x2="28" y2="4" />
            </svg>
            {t('legendOther')}
          </span>
          <span>{t('legendSelf')}</span>
          <span className="dg-hint">{t('legendHint')}</span>
        </div>
        <details className="dg-selflist">
          <summary>{t('selfHeading')}</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('stateHeading')}</th>
                <th scope="col">{t('transitionsHeading')}</th>
              </tr>
            </thead>
            <tbody>
              {GRAPH.nodes
                .filter((n) => n.self.length > 0)
                .map((n) => (
                  <tr key={n.id}>
                    <th scope="row" className="mono">
                      {n.id}
                    </th>
                    <td>{selfLabels(n).join(' · ')}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </details>
      </details>
    </section>
  );
}
