// Bundles the dashboard's page (src/dashboard/page/) into dist/dashboard/page-dist/ (index.html, app.js,
// app.css), where the built server reads it: an installed package has dist/ only. Run by `npm run build`
// after tsc, with the same bundler settings the server uses when it runs from sources (bundlePage).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url);
const { bundlePage } = await import(new URL('dist/dashboard/assets.js', root).href);
const files = await bundlePage(fileURLToPath(new URL('src/dashboard/page/', root)));
const out = new URL('dist/dashboard/page-dist/', root);
mkdirSync(out, { recursive: true });
for (const [name, text] of Object.entries(files)) writeFileSync(new URL(name, out), text);
console.log(`page: ${Object.entries(files).map(([n, t]) => `${n} ${(Buffer.byteLength(t) / 1024).toFixed(1)} KiB`).join(', ')} → ${fileURLToPath(out)}`);
