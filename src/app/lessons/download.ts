/**
 * Files out of the page: downloads, and the ladder and state diagram as SVG
 * or PNG. An exported SVG must stand on its own, without the page's style
 * sheet, so the styles that matter are copied onto each element.
 */
import { exportLayerOf } from '../export-layer';

/** Offer `data` as a file named `name`. */
export function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'visibility',
  'display',
  'marker-end',
  'marker-start',
  'paint-order',
  'stroke-linejoin',
  'stroke-linecap',
  'letter-spacing',
] as const;

/** A standalone copy of an SVG element: computed styles inlined, background painted. */
export function standaloneSvg(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = [svg, ...svg.querySelectorAll('*')];
  const dst = [clone, ...clone.querySelectorAll('*')];
  src.forEach((el, i) => {
    const target = dst[i];
    if (!(target instanceof Element)) return;
    // As presentation attributes, not a style attribute: the page's CSP (style-src
    // 'self') blocks inline styles, and the SVG must carry its looks on its own.
    const cs = getComputedStyle(el);
    for (const p of STYLE_PROPS) {
      const v = cs.getPropertyValue(p);
      if (v) target.setAttribute(p, v);
    }
    target.removeAttribute('style');
    target.removeAttribute('class');
    target.removeAttribute('tabindex');
  });
  // What the view painted outside the SVG (the ladder's canvas in dense views), as SVG.
  const layer = exportLayerOf(svg);
  const slot = clone.querySelector('[data-export-slot]');
  if (layer && slot) {
    const doc = new DOMParser().parseFromString(
      `<svg xmlns="http://www.w3.org/2000/svg">${layer}</svg>`,
      'image/svg+xml',
    );
    for (const node of [...doc.documentElement.childNodes])
      slot.append(clone.ownerDocument.importNode(node, true));
  }
  const box = svg.getBoundingClientRect();
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(Math.round(box.width)));
  clone.setAttribute('height', String(Math.round(box.height)));
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('x', '-10000');
  bg.setAttribute('y', '-10000');
  bg.setAttribute('width', '20000');
  bg.setAttribute('height', '20000');
  bg.setAttribute('fill', getComputedStyle(document.body).backgroundColor || '#ffffff');
  clone.insertBefore(bg, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
}

/** Render standalone SVG text to a PNG (2× for sharp slides). */
export async function svgToPng(svgText: string, width: number, height: number): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const scale = 2;
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))),
        'image/png',
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
