// SPDX-License-Identifier: Apache-2.0
// Headless Debian browsers for presentd's browser tests and benchmarks: the launch flags every
// script needs, and opening the box's page the way a person would. Chromium is driven by
// playwright-core, Firefox ESR by puppeteer-core (WebDriver BiDi); neither downloads a browser.

// Fake screen and devices, no prompts, the box's self-signed certificate accepted. Generous
// timeouts: CI runs this beside other tests on two busy cores.
function launchChromium() {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    timeout: 120000,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
           '--ignore-certificate-errors'], // playwright gives every launch a new empty profile
  });
}

// Firefox's fake camera and microphone without prompts; the box's certificate accepted.
function launchFirefox() {
  const puppeteer = require('puppeteer-core');
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: '/usr/bin/firefox-esr',
    headless: true,
    timeout: 120000,
    protocolTimeout: 180000,
    acceptInsecureCerts: true,  // the box's self-signed certificate
    extraPrefsFirefox: {
      'media.navigator.streams.fake': true,  // a generated camera picture
      'media.navigator.permission.disabled': true,
      // Without it Firefox treats the page as having no camera grant and gathers no usable
      // candidates.
      'media.navigator.permission.fake': true,
      // A page with no camera grant (a viewer) gathers only the default route's address, and the
      // tests' network namespace has no default route: gather every interface's, as with a grant.
      'media.peerconnection.ice.default_address_only': false,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
    },
  });
}

// A browser aborts a load with a network-changed error when an interface's addresses change
// under it (a freshly made test network settling); a user would press reload, so do we.
async function openBoxPage(page, address) {
  for (let attempt = 1; ; ++attempt) {
    try {
      return await page.goto(address, { timeout: 60000 });
    } catch (error) {
      if (attempt >= 3 || !/NETWORK_CHANGED|NS_ERROR_NET/.test(String(error))) throw error;
    }
  }
}

// The box's viewers as its status API lists them, read from a page of the box's origin.
async function boxViewers(page) {
  return page.evaluate(async () => (await (await fetch('/api/v1/status', { cache: 'no-store' })).json()).viewers);
}

// Polls until the box lists no viewer or `limitMs` passes; returns the last list it read.
async function viewersOnceGone(page, limitMs = 10000) {
  const deadline = Date.now() + limitMs;
  let viewers = await boxViewers(page);
  while (viewers.count > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    viewers = await boxViewers(page);
  }
  return viewers;
}

module.exports = { launchChromium, launchFirefox, openBoxPage, boxViewers, viewersOnceGone };
