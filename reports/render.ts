/**
 * vega-lite → vega → SVG, headless: vega's scenegraph renders to an SVG string without a browser or a canvas
 * (text is measured by estimate, so labels may sit a pixel off the browser's rendering).
 *
 * vega names clip paths and gradients from module-wide counters (vega-scenegraph `clip_id`, `gradient_id`), so
 * the same spec would get other ids on a second render, and two charts inlined in one page would share
 * `clip1`. The counters are reset before each render and every id is prefixed with the chart's, which makes
 * the output a function of the spec alone and the ids unique within a report.
 */
import { parse, resetSVGDefIds, View, type Spec } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** The vega spec of a vega-lite spec, without `$schema` (a URL the report must not reference). */
export function compileToVega(spec: TopLevelSpec): Spec {
  const { $schema: _schema, ...vega } = compile(spec).spec;
  return vega;
}

/** Prefixes the ids vega generates (`clip1`, `gradient_0`, `p_gradient_0`) and the references to them. */
function prefixIds(svg: string, prefix: string): string {
  return svg
    .replace(/ id="((?:p_)?gradient_\d+|clip\d+)"/g, ` id="${prefix}-$1"`)
    .replace(/url\(#((?:p_)?gradient_\d+|clip\d+)\)/g, `url(#${prefix}-$1)`);
}

/** Renders in turn: the counters are shared, so two renders must not interleave. */
let previous: Promise<unknown> = Promise.resolve();

async function renderAlone(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  resetSVGDefIds();
  const view = new View(parse(compileToVega(spec)), { renderer: 'none' });
  try {
    return prefixIds(await view.toSVG(), idPrefix);
  } finally {
    view.finalize();
  }
}

/** Renders one chart; `idPrefix` must be unique among the charts of one page (e.g. the chart id). */
export function renderSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  const svg = previous.then(() => renderAlone(spec, idPrefix));
  previous = svg.catch(() => undefined);
  return svg;
}
