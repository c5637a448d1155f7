// Bundles modeler_page.js with esbuild into OUT_DIR, with the libraries' CSS and an index.html.
// Usage: node tests/browser/build_page.mjs OUT_DIR
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error('usage: node tests/browser/build_page.mjs OUT_DIR');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const require = createRequire(import.meta.url);
const styles = [
  'bpmn-js/dist/assets/diagram-js.css',
  'bpmn-js/dist/assets/bpmn-js.css',
  'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css',
  '@bpmn-io/properties-panel/dist/assets/properties-panel.css',
  'bpmn-js-element-templates/dist/assets/element-templates.css'
];
const links = styles.map((style, index) => {
  copyFileSync(require.resolve(style), join(out, `style-${index}.css`));
  return `<link rel="stylesheet" href="style-${index}.css">`;
});
await build({
  entryPoints: [ join(here, 'modeler_page.js') ],
  bundle: true,
  format: 'iife',
  target: 'es2020',
  outfile: join(out, 'modeler.js'),
  logLevel: 'warning',
  loader: { '.json': 'json' },
  define: { 'process.env.NODE_ENV': '"production"' }
});
writeFileSync(join(out, 'index.html'), `<!doctype html>
<html><head><meta charset="utf-8"><title>uipath-connector template test</title>
${links.join('\n')}
<style>
  html, body { margin: 0; height: 100%; font-family: sans-serif; }
  #canvas { position: absolute; left: 0; top: 0; bottom: 0; right: 480px; }
  #properties { position: absolute; top: 0; right: 0; bottom: 0; width: 480px; overflow: auto;
                border-left: 1px solid #ccc; }
</style></head>
<body><div id="canvas"></div><div id="properties"></div><script src="modeler.js"></script></body></html>
`);
console.log(JSON.stringify({ built: out }));
