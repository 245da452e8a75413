// SPDX-License-Identifier: Apache-2.0
// Headless Debian Chromium for presentd's browser tests and benchmarks: the launch flags every
// script needs, and opening the box's page the way a person would.
const { chromium } = require('playwright-core');

// Fake screen and devices, no prompts, the box's self-signed certificate accepted. Generous
// timeouts: CI runs this beside other tests on two busy cores. Never downloads a browser.
function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    timeout: 120000,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
           '--ignore-certificate-errors'], // playwright gives every launch a new empty profile
  });
}

// Chromium aborts a load with ERR_NETWORK_CHANGED when an interface's addresses change under
// it (a freshly made test network settling); a browser user would press reload, so do we.
async function openBoxPage(page, address) {
  for (let attempt = 1; ; ++attempt) {
    try {
      return await page.goto(address, { timeout: 60000 });
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('ERR_NETWORK_CHANGED')) throw error;
    }
  }
}

module.exports = { launchChromium, openBoxPage };
