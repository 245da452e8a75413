// Bundles the remote page into one self-contained index.html (script and styles inline, so the
// page works at /remote/ and at /remote/join/<ID> alike), plus config.json and the licenses.
// Nothing is fetched from a CDN when the page runs.
//   node build.mjs <node_modules dir> <output dir>
import { createRequire } from 'node:module';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [modules, out] = process.argv.slice(2);
if (!modules || !out) {
  console.error('usage: node build.mjs <node_modules dir> <output dir>');
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(path.resolve(modules), 'noop.js'));
const esbuild = require('esbuild');

const bundle = await esbuild.build({
  entryPoints: [path.join(here, 'src', 'main.js')],
  bundle: true,
  write: false,
  format: 'iife',
  platform: 'browser',
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  legalComments: 'none', // the licenses ship beside the page (licenses/)
  nodePaths: [path.resolve(modules)],
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});
const script = bundle.outputFiles[0].text;
if (/<\/script/i.test(script)) throw new Error('the bundle contains "</script": it cannot be inlined');

const html = readFileSync(path.join(here, 'src', 'index.html'), 'utf8')
  .replace('<!-- style -->', () => `<style>\n${readFileSync(path.join(here, 'src', 'style.css'), 'utf8')}</style>`)
  .replace('<!-- script -->', () => `<script>${script}</script>`);
mkdirSync(path.join(out, 'licenses'), { recursive: true });
writeFileSync(path.join(out, 'index.html'), html);
// An admin's config.json is kept across rebuilds.
if (!existsSync(path.join(out, 'config.json'))) copyFileSync(path.join(here, 'config.json'), path.join(out, 'config.json'));
copyFileSync(path.join(here, 'THIRD_PARTY.md'), path.join(out, 'licenses', 'THIRD_PARTY.md'));
copyFileSync(path.join(path.resolve(modules), 'stanza', 'LICENSE.md'), path.join(out, 'licenses', 'stanza-LICENSE.md'));
console.log(`remote page: ${path.join(out, 'index.html')} (${html.length} bytes)`);
