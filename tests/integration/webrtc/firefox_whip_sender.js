#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// A WHIP sender in headless Firefox ESR, for presentd's integration tests: the page sends
// Firefox's fake camera (getDisplayMedia does not work headless) through RTCPeerConnection and
// does the WHIP exchange with fetch() (whip_page_sender.js). Prints one JSON line: the report,
// with Firefox's offer and presentd's answer (which Firefox's setRemoteDescription accepted or
// not). --save-offer FILE also writes the offer there (the parser tests' fixture).
//
// Usage: node firefox_whip_sender.js --url https://BOX:PORT/whip --token PIN [--duration S] [--save-offer F]
// SIGUSR2 ends the streaming early (the test saw what it waited for).
// puppeteer-core must be on NODE_PATH; Firefox is /usr/bin/firefox-esr (never downloaded).
const fs = require('fs');
const { launchFirefox } = require('./browser.js');
const { runWhipSender, option, openBoxPage } = require('./whip_page_sender.js');

async function main() {
  const url = option('url');
  const token = option('token', '');
  const durationMs = Number(option('duration', '6')) * 1000;
  const browser = await launchFirefox();
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(120000);
    await openBoxPage(page, new URL('/', url).href);
    const { code, report } = await runWhipSender(page, { url, token, durationMs, source: 'camera', withAudio: false,
                                                        keepSdp: true });
    const file = option('save-offer', '');
    if (file && report.offer) fs.writeFileSync(file, report.offer);
    return code;
  } finally {
    await browser.close();
  }
}

main().then((code) => process.exit(code), (error) => {
  console.log(JSON.stringify({ error: String(error) }));
  process.exit(1);
});
