#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// A WHIP sender in headless Chromium, for presentd's integration tests: the page shares
// Chromium's fake screen (getDisplayMedia with --use-fake-device-for-media-stream) through
// RTCPeerConnection and does the WHIP exchange (RFC 9725) with fetch() (whip_page_sender.js). At
// the end it prints one JSON line with the sender's own view (frames sent, the bitrate its
// congestion controller started from and reached, the offer's candidate addresses), then DELETEs
// the session. With --canvas it sends a drawn canvas and runs without the fake media flags: the
// page then has no media permission, Chromium's default for a screen share, and hides its host
// addresses behind "<uuid>.local" names.
//
// With --ice-restart-after S it restarts ICE S seconds after the answer (RFC 9725 §4.3.2, a PATCH
// with the new offer's credentials) and reports how that went as "ice_restart".
//
// Usage: node chromium_whip_sender.js --url https://BOX:PORT/whip --token PIN [--duration S] [--audio] [--canvas]
//        [--ice-restart-after S]
// SIGUSR2 ends the streaming early (the test saw what it waited for).
// playwright-core must be on NODE_PATH; Chromium is /usr/bin/chromium (never downloaded).
const { chromium } = require('playwright-core');
const { runWhipSender, option, openBoxPage } = require('./whip_page_sender.js');

async function main() {
  const url = option('url');
  const token = option('token', '');
  const durationMs = Number(option('duration', '8')) * 1000;
  const withAudio = process.argv.includes('--audio');
  const canvas = process.argv.includes('--canvas');
  const restartAfterMs = Number(option('ice-restart-after', '0')) * 1000;
  // --use-fake-ui-for-media-stream grants media permission, which un-hides host addresses.
  const fakeMedia = canvas ? [] : ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];
  // Generous timeouts: CI runs this beside other tests on two busy cores.
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    timeout: 120000,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           ...fakeMedia, '--ignore-certificate-errors'],  // playwright gives every launch a new empty profile
  });
  try {
    const page = await browser.newPage();
    // The box's own page gives a secure origin for getDisplayMedia and fetch().
    page.setDefaultTimeout(120000);
    await openBoxPage(page, new URL('/', url).href);
    const { code } = await runWhipSender(page, { url, token, durationMs, source: canvas ? 'canvas' : 'screen', withAudio,
      restartAfterMs });
    return code;
  } finally {
    await browser.close();
  }
}

main().then((code) => process.exit(code), (error) => {
  console.log(JSON.stringify({ error: String(error) }));
  process.exit(1);
});
