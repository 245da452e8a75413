#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Drives presentd's viewer page (web/watch/) in headless Chromium for the integration tests, as a
// person would: open https://BOX/watch, type a wrong PIN (the readable message), then the right
// one, click "Watch", and wait until a tile shows the presenter's picture. The tile's pixels are
// read back through a canvas (the picture Chromium decoded from the box's forwarded packets), and
// what the page and the box's status API say is printed as one JSON line; the C++ test asserts
// on it. With --until-presenters N the page then waits until N tiles are shown (a second
// presenter joining), and with --stop it clicks "Stop watching" at the end.
//
// Usage: node watch_page.js --box https://BOX:PORT --pin PIN [--until-presenters N] [--stop]
// playwright-core must be on NODE_PATH; Chromium is /usr/bin/chromium (never downloaded).
const { launchChromium, openBoxPage, boxViewers, viewersOnceGone } = require('./browser.js');

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}

const box = option('box');
const pin = option('pin');
const untilPresenters = Number(option('until-presenters', '1'));
const stop = process.argv.includes('--stop');
const LONG = 90000; // CI: two busy cores
const report = {};

// Mean colour of each shown tile's current picture, with its size and decoded-frame count.
async function tiles(page) {
  return page.evaluate(() => [...document.querySelectorAll('#tiles .tile')]
    .filter((tile) => !tile.hidden)
    .map((tile) => {
      const video = tile.querySelector('video');
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 48;
      const context = canvas.getContext('2d');
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
      const sums = [0, 0, 0];
      for (let i = 0; i < data.length; i += 4) {
        sums[0] += data[i];
        sums[1] += data[i + 1];
        sums[2] += data[i + 2];
      }
      const pixels = data.length / 4;
      const quality = video.getVideoPlaybackQuality();
      return {
        name: tile.querySelector('.name').textContent,
        width: video.videoWidth,
        height: video.videoHeight,
        frames: quality.totalVideoFrames,
        mean_rgb: sums.map((sum) => Math.round(sum / pixels)),
      };
    }));
}

async function waitForTiles(page, count, minFrames) {
  const deadline = Date.now() + LONG;
  for (;;) {
    const shown = await tiles(page);
    if (shown.length >= count && shown.every((tile) => tile.frames >= minFrames && tile.width > 0)) return shown;
    if (Date.now() > deadline) return shown;
    await page.waitForTimeout(250);
  }
}

async function main() {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    page.setDefaultTimeout(LONG);
    await openBoxPage(page, `${box}/watch`);
    await page.waitForSelector('body[data-state="idle"]');
    await page.getByLabel('PIN').fill('0000');
    await page.getByRole('button', { name: 'Watch' }).click();
    await page.waitForSelector('body[data-state="ended"]');
    report.wrong_pin_status = await page.locator('#status').textContent();
    await page.getByLabel('PIN').fill(pin);
    const clicked = Date.now();
    await page.getByRole('button', { name: 'Watch' }).click();
    const first = await waitForTiles(page, 1, 30);
    report.first_picture_ms = Date.now() - clicked;
    report.tiles = first;
    report.viewers = await boxViewers(page);
    if (untilPresenters > 1) {
      console.error('ready-for-second-presenter');
      report.tiles_after_join = await waitForTiles(page, untilPresenters, 30);
    }
    report.nobody_shown = await page.locator('#nobody').isVisible();
    if (stop) {
      await page.getByRole('button', { name: 'Stop watching' }).click();
      report.viewers_after_stop = await viewersOnceGone(page);
    }
  } catch (error) {
    report.error = String(error);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(report));
}

main();
