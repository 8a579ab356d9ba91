import { COMPETITORS, ELEMENT_BUNDLE, measureCompetitor, measureElement } from '../lib/bundles.js';
import type { BenchModule, Figure } from '../lib/figure.js';

/**
 * Bundle size: the element's self-contained bundle (lit, the SDK and its styles inside),
 * built fresh with rollup.config.mjs, gzip -9; beside it Dropzone, FilePond and Uppy's
 * Dashboard, each a minimal page entry of bench/competitors/ bundled with the same
 * plugins, and their CSS. Sizes are exact: one build each, nothing to take a median of.
 */
export const bundleSize: BenchModule = {
  id: 'bundle',
  keys: [
    'bundle_gzip_bytes',
    'bundle_bytes',
    ...COMPETITORS.flatMap(({ key }) => [`bundle_${key}_gzip_bytes`, `bundle_${key}_js_gzip_bytes`, `bundle_${key}_css_gzip_bytes`]),
  ],
  async run({ progress }) {
    progress('bundle: the element and three other uploaders, rollup + node-resolve + terser, gzip -9');
    const element = await measureElement();
    const figures: Figure[] = [
      {
        key: 'bundle_gzip_bytes',
        value: element.gzipBytes,
        unit: 'B',
        target: { goal: 16_384, floor: 20_480, better: 'lower' },
        detail: `${ELEMENT_BUNDLE} (JS with its CSS inside), gzip -9`,
      },
      { key: 'bundle_bytes', value: element.bytes, unit: 'B', detail: 'the same, minified, before gzip' },
    ];
    for (const competitor of COMPETITORS) {
      const { js, css } = await measureCompetitor(competitor);
      const total = js.gzipBytes + css.gzipBytes;
      const times = (total / element.gzipBytes).toFixed(2);
      figures.push(
        { key: `bundle_${competitor.key}_gzip_bytes`, value: total, unit: 'B', detail: `${competitor.name}: JS + CSS, gzip -9 each (${times}× ours)` },
        {
          key: `bundle_${competitor.key}_js_gzip_bytes`,
          value: js.gzipBytes,
          unit: 'B',
          detail: `${competitor.name} JS (${js.bytes.toLocaleString('en-US')} B minified)`,
        },
        {
          key: `bundle_${competitor.key}_css_gzip_bytes`,
          value: css.gzipBytes,
          unit: 'B',
          detail: `${competitor.name} CSS: ${competitor.css.join(' + ')} (${css.bytes.toLocaleString('en-US')} B minified)`,
        },
      );
    }
    return figures;
  },
};
