// Browser scenarios, reusable by any caller that owns the server (e.g. a CI script that starts the
// real server and passes its own restart function).

/** Waits for the dashboard to be live. */
export async function waitLive(page, timeout = 15_000) {
  await page.waitForFunction(() => document.querySelector('#conn-state')?.dataset.state === 'live', null, { timeout });
}

/** Adds `symbol` through the search box and waits for its row. */
export async function addSymbol(page, symbol) {
  await page.fill('#symbol-search', symbol);
  await page.waitForSelector(`#search-results li[data-symbol="${symbol}"]`, { timeout: 10_000 });
  await page.press('#symbol-search', 'Enter');
  await page.waitForSelector(`#watchlist-body tr[data-symbol="${symbol}"]`, { timeout: 5_000 });
}

/** Waits for a price in the symbol's bid cell, then for it to change. */
export async function waitPriceChange(page, symbol, timeout = 10_000) {
  const cell = `#watchlist-body tr[data-symbol="${symbol}"] td.bid`;
  await page.waitForFunction((sel) => /^[\d,]+\.\d+$/.test(document.querySelector(sel)?.textContent ?? ''), cell, { timeout });
  const first = await page.textContent(cell);
  const changed = await page.waitForFunction(([sel, f]) => {
    const text = document.querySelector(sel)?.textContent;
    return text !== f ? text : false; // the value seen, not a later read that may have moved back
  }, [cell, first], { timeout });
  return { first, next: await changed.jsonValue() };
}

/** Waits until the chart holds at least `bars` candles (published by PriceChart as data-bars). */
export async function waitCandles(page, bars = 2, timeout = 20_000) {
  await page.waitForFunction((n) => Number(document.querySelector('#chart')?.dataset.bars ?? 0) >= n, bars, { timeout });
  return Number(await page.getAttribute('#chart', 'data-bars'));
}

/** Starts recording every text the connection pill shows (so a short "Reconnecting…" is not missed). */
export async function recordConnectionStates(page) {
  await page.evaluate(() => {
    const pill = document.querySelector('#conn-state');
    window.__pillStates = [pill.dataset.state];
    new MutationObserver(() => {
      const s = pill.dataset.state;
      if (window.__pillStates[window.__pillStates.length - 1] !== s) window.__pillStates.push(s);
    }).observe(pill, { attributes: true, attributeFilter: ['data-state'] });
  });
}

/**
 * Stops and restarts the server (or restarts it in one go) and checks the page shows
 * reconnecting, then live again, then fresh prices.
 * @param {import('playwright-core').Page} page
 * @param {{stop?: () => Promise<void>, start?: () => Promise<void>, restart?: () => Promise<void>}} server
 * @returns {Promise<string[]>} pill states seen
 */
export async function restartScenario(page, server) {
  await recordConnectionStates(page);
  if (server.stop && server.start) {
    await server.stop();
    await page.waitForFunction(() => document.querySelector('#conn-state').dataset.state === 'reconnecting', null, { timeout: 10_000 });
    await page.waitForTimeout(1500); // stay down across a few retries
    await server.start();
  } else {
    await server.restart();
  }
  await page.waitForFunction(() => window.__pillStates.includes('reconnecting') && document.querySelector('#conn-state').dataset.state === 'live', null, { timeout: 30_000 });
  return page.evaluate(() => window.__pillStates);
}

/**
 * Plays a short replay of the first dataset at max speed; resolves when the progress bar is full.
 * @returns {Promise<{available: boolean, progress?: number, status?: string}>}
 */
export async function replayScenario(page, windowSeconds = 20) {
  await page.waitForFunction(() => {
    const status = document.querySelector('#replay-status')?.textContent ?? '';
    return document.querySelectorAll('#replay-dataset option').length > 0 || /not available|No replay/.test(status);
  }, null, { timeout: 10_000 });
  if (await page.locator('#replay-dataset option').count() === 0) {
    return { available: false, status: await page.textContent('#replay-status') };
  }
  const from = await page.inputValue('#replay-from');
  const toMs = Math.min(Date.parse(`${from}Z`) + windowSeconds * 1000, Date.parse(`${await page.inputValue('#replay-to')}Z`));
  await page.fill('#replay-to', new Date(toMs).toISOString().slice(0, 19));
  await page.selectOption('#replay-speed', 'max');
  await page.click('#replay-play');
  await page.waitForFunction(() => Number(document.querySelector('#replay-progress').dataset.progress) >= 100, null, { timeout: 60_000 });
  // ...and until the bar itself has grown to full width (its CSS transition), as a person sees it.
  await page.waitForFunction(() => {
    const bar = document.querySelector('#replay-bar').getBoundingClientRect().width;
    return bar >= document.querySelector('#replay-progress').getBoundingClientRect().width - 2;
  }, null, { timeout: 10_000 });
  return { available: true, progress: Number(await page.getAttribute('#replay-progress', 'data-progress')), status: await page.textContent('#replay-status') };
}

/**
 * Drives the replay controls: play at 1x, pause, resume, change speed, stop; resolves with the
 * status texts seen after each step.
 */
export async function replayControlsScenario(page) {
  const status = () => page.textContent('#replay-status');
  const waitStatus = (re) => page.waitForFunction((src) => new RegExp(src).test(document.querySelector('#replay-status').textContent), re.source, { timeout: 10_000 });
  // The whole dataset (an earlier scenario may have left a short window), so that at 100x the
  // replay still runs for seconds when Stop is clicked.
  await page.dispatchEvent('#replay-dataset', 'change');
  await page.selectOption('#replay-speed', '1');
  await page.click('#replay-play');
  await waitStatus(/^playing/);
  await page.click('#replay-pause');
  await waitStatus(/^paused/);
  const paused = await status();
  await page.click('#replay-play'); // labelled Resume while paused
  await waitStatus(/^playing/);
  await page.selectOption('#replay-speed', '100');
  await waitStatus(/100x/);
  const fast = await status();
  await page.click('#replay-stop');
  await waitStatus(/stopped/);
  return { paused, fast, stopped: await status() };
}
