/**
 * Zoom and pan of the ladder (d3-zoom on its SVG), loaded after the first
 * paint: d3-zoom brings d3-selection, d3-transition, d3-interpolate and
 * d3-drag, which the first page does not need (initial JS budget).
 */
import {
  select,
  zoom,
  zoomIdentity,
  zoomTransform,
  type D3ZoomEvent,
  type ZoomTransform,
} from 'd3';

export interface ZoomHandlers {
  start(t: ZoomTransform): void;
  zoom(t: ZoomTransform, source: Event | null): void;
  end(): void;
}

export interface ZoomControl {
  /** Back to the identity transform (its 'zoom' events fire: the caller ignores them). */
  reset(): void;
  isIdentity(): boolean;
  scaleBy(factor: number, at: [number, number], animate: boolean): void;
  detach(): void;
}

export function attachZoom(svg: SVGSVGElement, h: ZoomHandlers): ZoomControl {
  const sel = select(svg);
  const z = zoom<SVGSVGElement, unknown>()
    .scaleExtent([1 / 100, 400])
    .clickDistance(4)
    // The page scrolls with the wheel; zooming the timeline takes Ctrl (or ⌘) + wheel
    // (or the zoom buttons), so scrolling past it does not take over its view.
    .filter((e: Event) => {
      if (e.type === 'wheel') return (e as WheelEvent).ctrlKey || (e as WheelEvent).metaKey;
      return !(e as MouseEvent).button;
    })
    .on('start', (e: D3ZoomEvent<SVGSVGElement, unknown>) => h.start(e.transform))
    .on('zoom', (e: D3ZoomEvent<SVGSVGElement, unknown>) =>
      h.zoom(e.transform, e.sourceEvent as Event | null),
    )
    .on('end', () => h.end());
  sel.call(z).on('dblclick.zoom', null);
  return {
    reset: () => z.transform(sel, zoomIdentity),
    isIdentity: () => {
      const c = zoomTransform(svg);
      return c.k === 1 && c.x === 0 && c.y === 0;
    },
    scaleBy: (factor, at, animate) => {
      if (animate) z.scaleBy(sel.transition().duration(180), factor, at);
      else z.scaleBy(sel, factor, at);
    },
    detach: () => {
      sel.on('.zoom', null);
    },
  };
}
