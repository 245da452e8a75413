#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Drives presentd's presenter page (web/) in headless Chromium for the integration tests, as a
// person would: open https://BOX/, type name and PIN, click "Share screen" (Chromium's fake
// screen), answer approval requests, click Stop. What the page shows and what the box's status
// API says are collected and printed as one JSON line at the end; the C++ test asserts on it.
//
// Usage: node presenter_page.js --box https://BOX:PORT --pin PIN --scenario NAME
//   share     wrong PIN first (the readable message), then share, presenting, decoded, Stop
//   approve   Alice presents; Bob waits; Alice approves; both decoded
//   replace   Alice presents; Bob shares into a full room; Alice is told she was replaced
// playwright-core must be on NODE_PATH; Chromium is /usr/bin/chromium (never downloaded).
const { launchChromium, openBoxPage } = require('./browser.js');

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}

const box = option('box');
const pin = option('pin');
const scenario = option('scenario', 'share');
const report = { scenario };
const LONG = 90000; // CI: two busy cores

async function openPage(browser) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  page.setDefaultTimeout(LONG);
  await openBoxPage(page, `${box}/`);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

async function shareAs(page, name, withPin = pin) {
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('PIN').fill(withPin);
  await page.getByRole('button', { name: 'Share screen' }).click();
}

async function waitForState(page, state) {
  await page.waitForSelector(`body[data-state="${state}"]`, { timeout: LONG });
  return page.locator('#status').textContent();
}

// The box's own view, through its status API: per presenter name, admission and frames decoded.
async function presenters(page) {
  return page.evaluate(async () => {
    const status = await (await fetch('/api/v1/status', { cache: 'no-store' })).json();
    return (status.sessions.sessions || []).map((session) => ({
      name: session.name,
      admission: session.admission,
      decoder: ((session.video || [])[0] || {}).decoder || '',
      frames: (session.video || []).reduce((sum, video) => sum + (video.frames_decoded || 0), 0),
    }));
  });
}

async function waitForDecoding(page, names, frames) {
  const deadline = Date.now() + LONG;
  for (;;) {
    const seen = await presenters(page);
    const done = names.every((name) => seen.some((p) => p.name === name && p.frames >= frames));
    if (done || Date.now() > deadline) return seen;
    await page.waitForTimeout(250); // the status API has no push channel: poll it
  }
}

async function shareScenario(browser) {
  const page = await openPage(browser);
  await shareAs(page, 'Alice', pin === '0000' ? '1111' : '0000');
  report.wrong_pin_text = await waitForState(page, 'error');
  await shareAs(page, 'Alice');
  report.presenting_text = await waitForState(page, 'presenting');
  report.presenters = await waitForDecoding(page, ['Alice'], 30);
  await page.getByRole('button', { name: 'Stop' }).click();
  report.stopped_text = await waitForState(page, 'ended');
  const deadline = Date.now() + LONG;
  while ((await presenters(page)).length > 0 && Date.now() < deadline) await page.waitForTimeout(250);
  report.after_stop = await presenters(page);
}

async function approveScenario(browser) {
  const alice = await openPage(browser);
  await shareAs(alice, 'Alice');
  await waitForState(alice, 'presenting');
  const bob = await openPage(browser);
  await shareAs(bob, 'Bob');
  report.bob_waiting_text = await waitForState(bob, 'waiting');
  const request = alice.getByRole('button', { name: 'Approve Bob' });
  await request.waitFor();
  report.request_text = await alice.locator('#approvals .request p').textContent();
  // Bob connects meanwhile, but nothing of his is decoded or shown until Alice says yes.
  await waitForDecoding(alice, ['Alice'], 30);
  report.while_waiting = await presenters(alice);
  await request.click();
  report.bob_presenting_text = await waitForState(bob, 'presenting');
  report.presenters = await waitForDecoding(alice, ['Alice', 'Bob'], 30);
  report.alice_state = await alice.locator('body').getAttribute('data-state');
}

async function replaceScenario(browser) {
  const alice = await openPage(browser);
  await shareAs(alice, 'Alice');
  await waitForState(alice, 'presenting');
  report.alice_before = await waitForDecoding(alice, ['Alice'], 10);
  const bob = await openPage(browser);
  await shareAs(bob, 'Bob');
  report.alice_ended_text = await waitForState(alice, 'ended');
  report.bob_presenting_text = await waitForState(bob, 'presenting');
  report.presenters = await waitForDecoding(bob, ['Bob'], 30);
}

async function main() {
  const browser = await launchChromium();
  try {
    const run = { share: shareScenario, approve: approveScenario, replace: replaceScenario }[scenario];
    await run(browser);
    report.ok = true;
  } finally {
    await browser.close();
  }
}

main().then(() => {
  console.log(JSON.stringify(report));
  process.exit(0);
}, (error) => {
  report.error = String(error);
  console.log(JSON.stringify(report));
  process.exit(1);
});
