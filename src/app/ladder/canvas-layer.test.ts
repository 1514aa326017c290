import { describe, expect, it } from 'vitest';
import {
  ChunkCanvas,
  canvasLayerSvg,
  type CanvasItem,
  type ChunkFrame,
  type Colours,
} from './canvas-layer';

const colours: Colours = {
  colour: { client: '#1565c0', server: '#b8460b' },
  danger: '#c62828',
  fg: '#1b1f24',
  bg: '#ffffff',
  mono: 'ui-monospace, "DejaVu Sans Mono", monospace',
};

const item = (i: number, over: Partial<CanvasItem> = {}): CanvasItem => ({
  from: i % 2 ? 'server' : 'client',
  kind: 'plain',
  x0: 100,
  y0: i * 10,
  hx: 300,
  hy: i * 10 + 8,
  cross: false,
  label: null,
  lx: 110,
  ly: i * 10,
  la: 2,
  anchor: 'start',
  ...over,
});

describe('canvasLayerSvg', () => {
  it('draws every item: a line per arrow, heads, crosses, labels, with explicit colours', () => {
    const items = [
      item(0, { label: '[S] seq 0 len 0' }),
      item(1),
      item(2, { kind: 'rtx' }),
      item(3, { cross: true }),
      item(4, { label: '<&">' }),
    ];
    const svg = canvasLayerSvg(items, colours);
    expect(svg).toMatch(/^<g data-canvas-layer="5">/);
    const doc = svg.match(/<path [^>]*>/g)!;
    // client plain (0, 4), client rtx (2), server plain (1, 3); heads for each side; the cross.
    const lines = (stroke: string, dash: boolean) =>
      doc.filter(
        (p) =>
          p.includes(`stroke="${stroke}"`) &&
          p.includes('stroke-dasharray') === dash &&
          p.includes('fill="none"'),
      );
    expect(lines('#1565c0', false)[0]!.match(/M/g)).toHaveLength(2);
    expect(lines('#1565c0', true)[0]!.match(/M/g)).toHaveLength(1);
    expect(lines('#b8460b', false)[0]!.match(/M/g)).toHaveLength(2);
    const heads = doc.filter((p) => p.includes('fill="#') && !p.includes('stroke='));
    // Four heads: the lost one has its cross instead.
    expect(heads.map((p) => p.match(/Z/g)!.length).reduce((a, b) => a + b)).toBe(4);
    expect(doc.filter((p) => p.includes('stroke="#c62828"'))[0]!.match(/M/g)).toHaveLength(2);
    expect(svg).toContain('>[S] seq 0 len 0</text>');
    expect(svg).toContain('>&lt;&amp;&quot;&gt;</text>');
    expect(svg).toContain('font-family="ui-monospace, &quot;DejaVu Sans Mono&quot;, monospace"');
  });

  it('is an empty group without items', () => {
    expect(canvasLayerSvg([], colours)).toBe('<g data-canvas-layer="0"></g>');
  });
});

/** A canvas whose 2D context records the arrows drawn (one moveTo+lineTo per line). */
function fakeCanvas() {
  const log = { clears: 0, lines: [] as number[][] };
  let last: number[] = [];
  const known: Record<string, unknown> = {
    clearRect: () => void log.clears++,
    moveTo: (x: number, y: number) => void (last = [x, y]),
    lineTo: (x: number, y: number) => void log.lines.push([...last, x, y]),
  };
  // Every other method does nothing; every property can be set.
  const ctx = new Proxy(known, {
    get: (o, k): unknown => (typeof k === 'string' && k in o ? o[k] : () => undefined),
    set: () => true,
  });
  const cv = { width: 0, height: 0, getContext: () => ctx } as unknown as HTMLCanvasElement;
  return { cv, log };
}

describe('ChunkCanvas', () => {
  const frame = (over: Partial<ChunkFrame>): ChunkFrame => ({
    key: 'a',
    cursor: 0,
    lo: 0,
    hi: 0,
    width: 500,
    height: 2600,
    pad: 58,
    colours,
    item: (i) => item(i),
    ...over,
  });
  /** Arrows drawn (lines from x 100 to x 300, heads excluded), by their y0. */
  const arrows = (log: { lines: number[][] }) =>
    log.lines.filter((l) => l[0] === 100 && l[2] === 300).map((l) => l[1]! / 10);

  it('paints each arrow once as the view goes on, and those still moving once at rest', () => {
    const { cv, log } = fakeCanvas();
    const c = new ChunkCanvas();
    // Arrow 3 still moves at cursor 10.
    const at = (cursor: number) => (i: number) => (i === 3 && cursor < 20 ? null : item(i));
    c.paint(cv, frame({ cursor: 10, lo: 0, hi: 5, item: at(10) }), 1);
    expect(arrows(log).sort()).toEqual([0, 1, 2, 4]);
    log.lines = [];
    c.paint(cv, frame({ cursor: 15, lo: 1, hi: 7, item: at(15) }), 1);
    expect(arrows(log).sort()).toEqual([5, 6]);
    log.lines = [];
    c.paint(cv, frame({ cursor: 20, lo: 2, hi: 7, item: at(20) }), 1);
    expect(arrows(log)).toEqual([3]);
    log.lines = [];
    // Panning up within the chunk paints what was above.
    c.paint(cv, frame({ cursor: 20, lo: 0, hi: 7, item: at(20) }), 1);
    expect(arrows(log)).toEqual([]);
    expect(log.clears).toBe(0);
  });

  it('starts over when the key changes or the cursor goes back', () => {
    const { cv, log } = fakeCanvas();
    const c = new ChunkCanvas();
    c.paint(cv, frame({ cursor: 10, hi: 3 }), 1);
    c.paint(cv, frame({ cursor: 10, hi: 3, key: 'b' }), 1);
    expect(log.clears).toBe(1);
    c.paint(cv, frame({ cursor: 5, hi: 3, key: 'b' }), 1);
    expect(log.clears).toBe(2);
    expect(arrows(log).sort()).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
  });

  it('leaves out what the SVG draws, and paints a sample afresh every frame', () => {
    const { cv, log } = fakeCanvas();
    const c = new ChunkCanvas();
    c.paint(cv, frame({ hi: 3, item: (i) => (i === 1 ? undefined : item(i)) }), 1);
    expect(arrows(log)).toEqual([0, 2]);
    log.lines = [];
    c.paint(cv, frame({ hi: 3, sample: [item(7)] }), 1);
    c.paint(cv, frame({ hi: 3, sample: [item(7)] }), 1);
    expect(arrows(log)).toEqual([7, 7]);
    expect(log.clears).toBe(2);
  });
});
