/**
 * What a view draws outside its SVG and an export of that SVG must still show
 * (the ladder's canvas of dense arrows): the view registers a function giving
 * that part as SVG markup, and the export (lessons/download.ts) puts it in
 * the element marked data-export-slot.
 */
const layers = new WeakMap<Element, () => string | null>();

export function setExportLayer(svg: Element, layer: (() => string | null) | null): void {
  if (layer) layers.set(svg, layer);
  else layers.delete(svg);
}

export function exportLayerOf(svg: Element): string | null {
  return layers.get(svg)?.() ?? null;
}
