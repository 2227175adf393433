// The dashboard (and with it the JS client) over HTTPS/WSS in headless Chromium, run by the .NET
// TLS test (tests/MarketFeed.IntegrationTests/TlsTests.cs), which starts the server with a
// self-signed certificate:
//   MARKETFEED_URL=https://127.0.0.1:PORT MARKETFEED_SPKI=<base64 SHA-256 of the SPKI> node test/browser/wss-live.mjs
// 1. Without trust the page does not load (certificate error): the certificate is really checked.
// 2. Chromium trusting exactly that key (--ignore-certificate-errors-spki-list) loads the page, the
//    client connects to wss://<same host>/ws/v1, goes live, and a price changes.
// Prints "wss-live: ok" and exits 0, else prints the failure and exits 1.
import assert from 'node:assert/strict';
import { launch, openPage } from './chromium.mjs';
import { addSymbol, waitLive, waitPriceChange } from './scenarios.mjs';

const url = process.env.MARKETFEED_URL;
const spki = process.env.MARKETFEED_SPKI;
assert.ok(url?.startsWith('https://') && spki, 'MARKETFEED_URL (https://...) and MARKETFEED_SPKI are required');

async function untrusted() {
  const browser = await launch();
  try {
    const { page } = await openPage(browser.context);
    await assert.rejects(page.goto(`${url}/`, { timeout: 15_000 }), /ERR_CERT/, 'an untrusted certificate must not load');
  } finally {
    await browser.close();
  }
}

async function trusted() {
  const browser = await launch([`--ignore-certificate-errors-spki-list=${spki}`]);
  try {
    const { page, errors } = await openPage(browser.context);
    const sockets = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(`${url}/`, { timeout: 30_000 });
    await waitLive(page, 30_000);
    await addSymbol(page, 'JPM');
    const { first, next } = await waitPriceChange(page, 'JPM', 20_000);
    assert.notEqual(first, next);
    const wss = `${url.replace('https://', 'wss://').replace(/\/$/, '')}/ws/v1`;
    assert.ok(sockets.includes(wss), `the page's socket is ${wss} (saw ${sockets.join(', ')})`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
}

try {
  await untrusted();
  await trusted();
  console.log('wss-live: ok');
} catch (err) {
  console.error(`wss-live: FAILED ${err.stack ?? err}`);
  process.exitCode = 1;
}
