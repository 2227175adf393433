// Bundles the dashboard into the server's wwwroot (run by Dashboard.targets during `dotnet build`,
// or by hand: `npm run build [-- <outDir>]`).
//   app.js                 the dashboard (client + lightweight-charts + @msgpack/msgpack)
//   js/marketfeed-client.js the JS client alone, as an ES module others can import
//   index.html, app.css     copied from static/
import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
// `--no-sourcemap` (Release builds, see Dashboard.targets): no .map files, and stale ones removed.
const args = process.argv.slice(2);
const sourcemap = !args.includes('--no-sourcemap');
const outArg = args.find(a => !a.startsWith('--'));
const outDir = path.resolve(outArg ?? path.join(here, '..', 'MarketFeed.Server', 'wwwroot'));

const common = { bundle: true, format: 'esm', target: ['es2022'], sourcemap, minify: true, legalComments: 'eof', logLevel: 'warning' };
if (!sourcemap) {
  await Promise.all(['app.js.map', path.join('js', 'marketfeed-client.js.map')].map(f => rm(path.join(outDir, f), { force: true })));
}
await mkdir(path.join(outDir, 'js'), { recursive: true });
await Promise.all([
  esbuild.build({ ...common, entryPoints: [path.join(here, 'app', 'main.js')], outfile: path.join(outDir, 'app.js') }),
  esbuild.build({ ...common, entryPoints: [path.join(here, 'client', 'marketfeed-client.js')], outfile: path.join(outDir, 'js', 'marketfeed-client.js') }),
  copyFile(path.join(here, 'static', 'index.html'), path.join(outDir, 'index.html')),
  copyFile(path.join(here, 'static', 'app.css'), path.join(outDir, 'app.css')),
]);
console.log(`dashboard built into ${outDir}`);
