/**
 * The header inspector: the selected segment as the frame on the wire — a
 * summary line, the TCP header in RFC 9293's 32-bit rows, the encapsulation
 * (Ethernet → IPv4 → TCP → payload) and a hex dump that shows which bytes a
 * field is. All positions come from describeFields().
 */
import { useId, useMemo, useState, type MouseEvent, type ReactNode } from 'react';
import {
  describeFields,
  flagString,
  peerOf,
  type DropReason,
  type SegmentRecord,
  type TraceRecord,
  type WireField,
} from '../../core';
import { useT, type Translate } from '../i18n';
import { useSession } from '../use-session';
import { messages, type InspectorKey } from './messages';
import {
  ROW_BITS,
  byteRange,
  fieldsAtByte,
  frameOf,
  headerRows,
  hex2,
  hex4,
  asciiOf,
  isOptionField,
  layerField,
  leafFields,
  partsInCell,
  payloadPieces,
  relativeNumbers,
  segmentFate,
  type GridCell,
} from './rows';
import './inspector.css';

type T = Translate<InspectorKey>;

const secs = (ms: number) => (ms / 1000).toFixed(3);

const REASON_KEYS: Readonly<Record<DropReason, InspectorKey>> = {
  loss: 'reasonLoss',
  rule: 'reasonRule',
  user: 'reasonUser',
  queue: 'reasonQueue',
};

// ------------------------------------------------------------------ field text

function hasKey(k: string): k is InspectorKey {
  return k in messages.en;
}

/** A field's name in the current language (describeFields' English name when there is none). */
function labelOf(f: WireField, frame: Uint8Array, t: T): string {
  if (isOptionField(f)) {
    const k = `opt:${frame[f.offset]}`;
    return hasKey(k) ? t(k) : t('optOther');
  }
  const k = `f:${f.id}`;
  return hasKey(k) ? t(k) : f.label;
}

/** The short name a one-bit cell shows ("SYN", "DF"). */
const bitName = (f: WireField): string => (f.id.split('.').pop() ?? '').toUpperCase();

/** A field's value as the inspector shows it. */
function valueOf(f: WireField, frame: Uint8Array, t: T): string {
  if (f.bits?.count === 1) return String(f.value);
  if (f.id === 'tcp.hdr_len' || f.id === 'ip.hdr_len') {
    const words = Number(f.value);
    return t('hdrLen', { words, bytes: words * 4 });
  }
  if (f.status) {
    const n = Number(f.value);
    return `0x${hex4(n)} ${f.status === 'good' ? '✓' : '✗'}`;
  }
  if (f.id === 'eth.type') return `0x${hex4(Number(f.value))} (IPv4)`;
  if (f.id === 'ip.proto') return `${f.value} (TCP)`;
  if (f.id === 'payload') return t('bytesN', { n: f.length });
  if (isOptionField(f)) {
    const kind = frame[f.offset]!;
    if (kind === 1) return t('optNop');
    if (kind === 0) return f.length > 1 ? t('optEolPad', { n: f.length - 1 }) : t('optEol');
    if (kind === 3) {
      const shift = frame[f.offset + 2] ?? 0;
      return t('optWscale', { shift, mul: 2 ** shift });
    }
    if (kind === 2 || kind === 4 || kind === 8) return f.display;
    return t('optUnknown', { kind, len: f.length });
  }
  return String(f.value);
}

/** "bytes 38–41" / "byte 46, bits 4–7". */
function whereOf(f: WireField, t: T): string {
  const { first, last } = byteRange(f);
  const bytes = first === last ? t('byteOne', { first }) : t('byteRange', { first, last });
  if (!f.bits) return bytes;
  const b0 = f.bits.start;
  const b1 = f.bits.start + f.bits.count - 1;
  return `${bytes}, ${b0 === b1 ? t('bitOf', { first: b0 }) : t('bitsOf', { first: b0, last: b1 })}`;
}

// ------------------------------------------------------------------ the view

interface Pointing {
  /** The field the pointer or focus is on (a leaf, a header or an option list). */
  readonly field: string | null;
  /** The octet the pointer is on in the hex dump. */
  readonly byte: number | null;
}

export function Inspect({
  seg,
  records,
  cursor,
  t,
  uid,
}: {
  seg: SegmentRecord;
  records: readonly TraceRecord[];
  cursor: number;
  t: T;
  uid: string;
}) {
  const [pointing, setPointing] = useState<Pointing>({ field: null, byte: null });
  const [pinned, setPinned] = useState<string | null>(null);
  const captured = frameOf(records, seg.id);
  const frame = captured?.frame;
  const parsed = useMemo(() => {
    if (!frame) return null;
    try {
      const fields = describeFields(frame);
      return { fields, leaves: leafFields(fields), byId: new Map(fields.map((f) => [f.id, f])) };
    } catch {
      return null;
    }
  }, [frame]);

  if (!frame || !parsed) return <p className="hi-empty">{t('unreadable')}</p>;
  const { fields, leaves, byId } = parsed;

  // Which leaves and octets are lit: the byte under the pointer, else the field pointed at, else the pinned one.
  const current = pointing.field ?? pinned;
  let lit: WireField[] = [];
  if (pointing.byte !== null) lit = fieldsAtByte(leaves, pointing.byte);
  else if (current !== null) {
    const f = byId.get(current);
    if (f) {
      const isLeaf = leaves.includes(f);
      lit = isLeaf
        ? [f]
        : leaves.filter(
            (l) =>
              l.offset >= f.offset &&
              l.offset + l.length <= f.offset + f.length &&
              l.layer === f.layer,
          );
      if (!isLeaf && lit.length === 0) lit = [f];
    }
  }
  const litIds = new Set(lit.map((f) => f.id));
  const litBytes = new Set<number>();
  let statusText = t('hoverHint');
  if (pointing.byte !== null) {
    for (const f of lit) for (let i = f.offset; i < f.offset + f.length; i++) litBytes.add(i);
    const parent = lit.length > 2 ? byId.get(lit[0]!.parent ?? '') : undefined;
    statusText =
      parent && lit.every((f) => f.parent === parent.id)
        ? // Many bit fields in one octet (the flags): name the octet once.
          t('fieldAt', {
            range: whereOf(parent, t),
            label: `${labelOf(parent, frame, t)} (${lit.map(bitName).join(' ')})`,
          })
        : lit
            .map((f) => t('fieldAt', { range: whereOf(f, t), label: labelOf(f, frame, t) }))
            .join(' · ');
  } else if (current !== null && byId.get(current)) {
    const f = byId.get(current)!;
    for (let i = f.offset; i < f.offset + f.length; i++) litBytes.add(i);
    statusText = t('fieldAt', { range: whereOf(f, t), label: labelOf(f, frame, t) });
  }

  const point = (field: string | null) => setPointing({ field, byte: null });
  const pin = (field: string) => setPinned((p) => (p === field ? null : field));
  const handlers = (field: string) => ({
    onMouseEnter: () => point(field),
    onMouseLeave: () => point(null),
    onFocus: () => point(field),
    onBlur: () => point(null),
    onClick: () => pin(field),
    'aria-pressed': pinned === field,
  });

  return (
    <div className="hi-body">
      <Summary seg={seg} records={records} cursor={cursor} t={t} />

      <h3 className="hi-h3">
        {t('tcpHeader')} <span className="hi-note">{t('tcpHeaderNote')}</span>
      </h3>
      <HeaderGrid
        cells={headerRows(fields, 'tcp')}
        fields={fields}
        base={layerField(fields, 'tcp')?.offset ?? 0}
        frame={frame}
        litIds={litIds}
        pinned={pinned}
        handlers={handlers}
        t={t}
        label={t('tcpGridLabel')}
      />

      <h3 className="hi-h3">{t('encapsulation')}</h3>
      <Encapsulation
        fields={fields}
        frame={frame}
        litIds={litIds}
        current={current}
        pinned={pinned}
        handlers={handlers}
        t={t}
      />

      <h3 className="hi-h3" id={`${uid}-hex`}>
        {t('bytes')} <span className="hi-note">{t('hexNote', { n: frame.length })}</span>
      </h3>
      <p className="hi-status" aria-live="polite">
        {statusText}
      </p>
      <HexDump
        frame={frame}
        litBytes={litBytes}
        labelledBy={`${uid}-hex`}
        onByte={(byte) => setPointing({ field: null, byte })}
      />
    </div>
  );
}

// ------------------------------------------------------------------ (a) summary

function Summary({
  seg,
  records,
  cursor,
  t,
}: {
  seg: SegmentRecord;
  records: readonly TraceRecord[];
  cursor: number;
  t: T;
}) {
  const s = seg.seg;
  const rel = relativeNumbers(records, seg);
  const fate = segmentFate(records, seg, cursor);
  const len = s.payload.length;
  const reason = (r: DropReason) => t(REASON_KEYS[r]);
  const status =
    fate.status === 'delivered'
      ? t('statusDelivered', { t: secs(fate.at ?? seg.arriveAt) })
      : fate.status === 'dropped'
        ? fate.at !== null && fate.at !== seg.t
          ? t('statusDroppedAt', { t: secs(fate.at), reason: reason(fate.dropReason ?? 'loss') })
          : t('statusDropped', { reason: reason(fate.dropReason ?? 'loss') })
        : t('statusInFlight');
  const seqText = len > 0 ? `${rel.seq}:${(rel.seq + len) >>> 0}` : String(rel.seq);
  const seqAbs = len > 0 ? `${s.seq}:${(s.seq + len) >>> 0}` : String(s.seq);
  return (
    <div className="hi-summary" role="group" aria-label={t('summaryLabel')}>
      <div className="hi-summary-line">
        <span className="hi-segid">{t('segment', { id: seg.id })}</span>
        <span className={`hi-dir hi-dir-${seg.from}`}>
          {t('direction', { from: t(seg.from), to: t(peerOf(seg.from)) })}
        </span>
        <span className="hi-flags mono" title={t('flags')}>
          [{flagString(s.flags)}]
        </span>
        <span className="mono">
          {t('seq')} {t('relAbs', { rel: seqText, abs: seqAbs })}
        </span>
        <span className="mono">
          {s.flags & 0x10 ? `${t('ack')} ${t('relAbs', { rel: rel.ack, abs: s.ack })}` : t('noAck')}
        </span>
        <span className="mono">{t('len', { n: len })}</span>
      </div>
      <div className="hi-summary-line hi-summary-sub">
        <span className={`hi-chip hi-status-${fate.status}`}>{status}</span>
        {fate.retransmission && <span className="hi-chip hi-chip-rtx">{t('retransmission')}</span>}
        {fate.duplicateOf !== null && (
          <span className="hi-chip hi-chip-dup">{t('duplicate', { id: fate.duplicateOf })}</span>
        )}
        <span className="hi-time">
          {t('sentAt', { t: secs(seg.t) })}
          {fate.status === 'dropped' ? null : ` · ${t('arrivesAt', { t: secs(seg.arriveAt) })}`}
        </span>
      </div>
    </div>
  );
}

// ------------------------------------------------------------------ (b) header rows

type Handlers = (field: string) => {
  onMouseEnter: () => void;
  onMouseLeave: () => void;
  onFocus: () => void;
  onBlur: () => void;
  onClick: () => void;
  'aria-pressed': boolean;
};

function HeaderGrid({
  cells,
  fields,
  base,
  frame,
  litIds,
  pinned,
  handlers,
  t,
  label,
}: {
  cells: GridCell[][];
  fields: readonly WireField[];
  /** The header's first octet in the frame. */
  base: number;
  frame: Uint8Array;
  litIds: ReadonlySet<string>;
  pinned: string | null;
  handlers: Handlers;
  t: T;
  label: string;
}) {
  // A field cut over rows shows its name and value once, in its widest piece.
  const widest = new Map<string, GridCell>();
  for (const row of cells)
    for (const c of row) {
      const w = widest.get(c.field.id);
      if (!w || c.span > w.span) widest.set(c.field.id, c);
    }
  return (
    <div className="hi-grid" role="group" aria-label={label}>
      <div className="hi-ruler" aria-hidden="true">
        {Array.from({ length: ROW_BITS }, (_, i) => (
          <span key={i} className={i % 8 === 0 ? 'hi-ruler-octet' : undefined}>
            {i}
          </span>
        ))}
      </div>
      {cells.map((row, r) => (
        <div className="hi-row" key={r}>
          {row.map((c) => {
            const f = c.field;
            const name = labelOf(f, frame, t);
            const value = valueOf(f, frame, t);
            const one = c.span === 1;
            const main = widest.get(f.id) === c;
            const set = one && f.value === 1;
            const cls = [
              'hi-cell',
              one ? 'hi-bit' : c.span <= 4 ? 'hi-narrow' : '',
              set ? 'hi-bit-set' : '',
              litIds.has(f.id) ? 'hi-lit' : '',
              pinned === f.id ? 'hi-pinned' : '',
              c.part === 'first' || c.part === 'middle' ? 'hi-cut-end' : '',
              c.part === 'last' || c.part === 'middle' ? 'hi-cut-start' : '',
            ]
              .filter(Boolean)
              .join(' ');
            const bitsOn = set ? t('set') : t('notSet');
            const aria = one
              ? `${name} (${bitName(f)}): ${f.value}, ${bitsOn}. ${whereOf(f, t)}`
              : `${name}: ${value}. ${whereOf(f, t)}`;
            return (
              <button
                type="button"
                key={`${f.id}-${c.row}`}
                className={cls}
                style={{ gridColumn: `${c.col + 1} / span ${c.span}` }}
                aria-label={aria}
                title={`${name}: ${value}`}
                data-field={f.id}
                {...handlers(f.id)}
              >
                {one ? (
                  <>
                    <span className="hi-bit-name">{bitName(f)}</span>
                    <span className="hi-bit-value">{String(f.value)}</span>
                  </>
                ) : c.part !== 'whole' && isOptionField(f) ? (
                  <>
                    <span className={`hi-cell-label${c.part === 'first' ? '' : ' hi-cont'}`}>
                      {c.part === 'first' ? name : `${name} ${t('cont')}`}
                    </span>
                    <span className="hi-cell-value">
                      {partsText(fields, c, base, t) || (main ? value : '')}
                    </span>
                  </>
                ) : main ? (
                  <>
                    <span className="hi-cell-label">{name}</span>
                    <span className="hi-cell-value">{value}</span>
                  </>
                ) : (
                  <span className="hi-cell-label hi-cont">
                    {name} {t('cont')}
                  </span>
                )}
              </button>
            );
          })}
        </div>
      ))}
    </div>
  );
}

/** "kind 8 · len 10": the parts of an option that lie in one piece of it. */
function partsText(fields: readonly WireField[], c: GridCell, base: number, t: T): string {
  return partsInCell(fields, c, base)
    .map((p) => {
      const k = `sub:${p.id.split('.').pop()}`;
      return hasKey(k) ? t(k, { v: p.value }) : `${p.label} ${p.value}`;
    })
    .join(' · ');
}

// ------------------------------------------------------------------ (c) encapsulation

function Encapsulation({
  fields,
  frame,
  litIds,
  current,
  pinned,
  handlers,
  t,
}: {
  fields: readonly WireField[];
  frame: Uint8Array;
  litIds: ReadonlySet<string>;
  current: string | null;
  pinned: string | null;
  handlers: Handlers;
  t: T;
}) {
  const eth = layerField(fields, 'eth');
  const ip = layerField(fields, 'ip');
  const tcp = layerField(fields, 'tcp');
  const payload = fields.find((f) => f.id === 'payload');
  const opts = fields.find((f) => f.id === 'tcp.options');
  if (!eth || !ip || !tcp) return null;
  const ipTotal = frame.length - ip.offset;
  const tcpTotal = frame.length - tcp.offset;
  const chip = (id: string) => {
    const f = fields.find((x) => x.id === id);
    if (!f) return null;
    const name = labelOf(f, frame, t);
    const value = valueOf(f, frame, t);
    return (
      <button
        type="button"
        key={id}
        className={`hi-chipfield${litIds.has(id) ? ' hi-lit' : ''}${pinned === id ? ' hi-pinned' : ''}`}
        aria-label={`${name}: ${value}. ${whereOf(f, t)}`}
        data-field={id}
        {...handlers(id)}
      >
        <span className="hi-cell-label">{name}</span>
        <span className="hi-cell-value">{value}</span>
      </button>
    );
  };
  const head = (f: WireField, text: string) => (
    <button
      type="button"
      className={`hi-boxhead${current === f.id ? ' hi-lit' : ''}${pinned === f.id ? ' hi-pinned' : ''}`}
      aria-label={`${text}. ${whereOf(f, t)}`}
      data-field={f.id}
      {...handlers(f.id)}
    >
      {text}
    </button>
  );
  const bytes = (n: number) => <span className="hi-bytes">{t('bytesN', { n })}</span>;
  return (
    <div className="hi-encap">
      <div className="hi-box hi-box-eth">
        <div className="hi-boxtitle">
          {t('ethFrame')} {bytes(frame.length)}
        </div>
        <div className="hi-box hi-box-header">
          <div className="hi-boxtitle">
            {head(eth, t('ethHeader'))} {bytes(eth.length)}
          </div>
          <div className="hi-chips">{['eth.dst', 'eth.src', 'eth.type'].map(chip)}</div>
        </div>
        <div className="hi-box hi-box-ip">
          <div className="hi-boxtitle">
            {t('ipPacket')} {bytes(ipTotal)}
          </div>
          <div className="hi-box hi-box-header">
            <div className="hi-boxtitle">
              {head(ip, t('ipHeader'))} {bytes(ip.length)}
            </div>
            <HeaderGrid
              cells={headerRows(fields, 'ip')}
              fields={fields}
              base={ip.offset}
              frame={frame}
              litIds={litIds}
              pinned={pinned}
              handlers={handlers}
              t={t}
              label={t('ipGridLabel')}
            />
          </div>
          <div className="hi-box hi-box-tcp">
            <div className="hi-boxtitle">
              {t('tcpSegment')} {bytes(tcpTotal)}
            </div>
            <div className="hi-box hi-box-header">
              <div className="hi-boxtitle">
                {head(
                  tcp,
                  opts
                    ? t('tcpHeaderBox', { fixed: tcp.length - opts.length, opts: opts.length })
                    : t('tcpHeaderBoxNoOpts'),
                )}{' '}
                {bytes(tcp.length)}
              </div>
            </div>
            <div className="hi-box hi-box-payload">
              <div className="hi-boxtitle">
                {payload ? head(payload, t('payload')) : t('payload')} {bytes(payload?.length ?? 0)}
              </div>
              {payload ? (
                <PayloadText
                  bytes={frame.subarray(payload.offset, payload.offset + payload.length)}
                  t={t}
                />
              ) : (
                <div className="hi-nopayload">{t('noPayload')}</div>
              )}
            </div>
          </div>
        </div>
      </div>
    </div>
  );
}

/** The payload as text: React text nodes only, escapes for what is not printable ASCII. */
function PayloadText({ bytes, t }: { bytes: Uint8Array; t: T }) {
  const max = 2048;
  const { pieces, truncated } = payloadPieces(bytes, max);
  return (
    <pre className="hi-payload">
      {pieces.map((p, i) =>
        p.kind === 'text' ? (
          <span key={i}>{p.text}</span>
        ) : (
          <span key={i}>
            <span className="hi-esc">{p.text}</span>
            {p.newline ? '\n' : null}
          </span>
        ),
      )}
      {truncated && <span className="hi-esc">{t('payloadTruncated', { n: max })}</span>}
    </pre>
  );
}

// ------------------------------------------------------------------ (d) hex dump

function HexDump({
  frame,
  litBytes,
  labelledBy,
  onByte,
}: {
  frame: Uint8Array;
  litBytes: ReadonlySet<number>;
  labelledBy: string;
  onByte: (i: number | null) => void;
}) {
  const lines: ReactNode[] = [];
  for (let o = 0; o < frame.length; o += 16) {
    const hex: ReactNode[] = [];
    const ascii: ReactNode[] = [];
    for (let i = o; i < Math.min(o + 16, frame.length); i++) {
      const b = frame[i]!;
      const on = litBytes.has(i);
      hex.push(
        <span
          key={i}
          data-i={i}
          className={`hi-byte${on ? ' hi-on' : ''}${i - o === 8 ? ' hi-gap' : ''}`}
        >
          {hex2(b)}
        </span>,
      );
      ascii.push(
        <span key={i} data-i={i} className={`hi-char${on ? ' hi-on' : ''}`}>
          {asciiOf(b)}
        </span>,
      );
    }
    // A short last line keeps the text column where the others have it.
    for (let i = frame.length; i < o + 16 && o + 16 > frame.length; i++)
      hex.push(
        <span
          key={i}
          className={`hi-byte hi-pad${i - o === 8 ? ' hi-gap' : ''}`}
          aria-hidden="true"
        >
          {'  '}
        </span>,
      );
    lines.push(
      <div className="hi-hexline" key={o}>
        <span className="hi-off">{hex4(o)}</span>
        <span className="hi-hexbytes">{hex}</span>
        <span className="hi-ascii">{ascii}</span>
      </div>,
    );
  }
  const over = (e: MouseEvent) => {
    const el = (e.target as Element).closest('[data-i]');
    onByte(el ? Number(el.getAttribute('data-i')) : null);
  };
  return (
    <div
      className="hi-hex"
      role="group"
      aria-labelledby={labelledBy}
      onMouseOver={over}
      onMouseLeave={() => onByte(null)}
    >
      {lines}
    </div>
  );
}

/** The inspector with a segment selected (or one that is gone, or not sent yet at the cursor). */
export function InspectorPanel() {
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
      <Inspect key={seg.id} seg={seg} records={records} cursor={session.cursor} t={t} uid={uid} />
    );

  return (
    <section className="hi" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>{t('title')}</h2>
      {body}
    </section>
  );
}
