// Launches Debian's chromium through playwright-core (no browser downloads) and collects
// console errors and page errors of a page.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Where screenshots go: $MARKETFEED_ARTIFACTS or <repo>/artifacts/browser-tests. */
export const ARTIFACTS = process.env.MARKETFEED_ARTIFACTS
  ?? path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', '..', 'artifacts', 'browser-tests');

/**
 * Starts chromium with a fresh profile.
 * @param {string[]} [extraArgs] more command-line switches (e.g. --ignore-certificate-errors-spki-list=...)
 * @returns {Promise<{context: import('playwright-core').BrowserContext, close: () => Promise<void>}>}
 */
export async function launch(extraArgs = []) {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'marketfeed-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, args: [...ARGS, ...extraArgs], viewport: { width: 1440, height: 860 },
  });
  return {
    context,
    close: async () => { await context.close(); rmSync(userDataDir, { recursive: true, force: true }); },
  };
}

/**
 * Opens a page and records console errors and uncaught exceptions into `errors`.
 * @param {import('playwright-core').BrowserContext} context
 */
export async function openPage(context) {
  const page = context.pages()[0] ?? await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { page, errors };
}
