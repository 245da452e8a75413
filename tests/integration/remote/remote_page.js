#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Drives presentd's remote page (web/remote/, built by scripts/build_remote_page.sh) in headless
// Chromium as a remote person would: open https://SERVER/remote/join/<ID>, type PIN and name,
// click "Share screen" (Chromium's fake screen). Every state the page shows is printed as a JSON
// line {"state", "text", "at_ms"} (wall clock, for the click → first picture figure); the C++ test
// asserts on them and on the box's status API.
//
// Usage: node remote_page.js --url URL --pin PIN [--name NAME] [--control FILE]
//   --control FILE: commands appended to FILE, one a line, are carried out in order:
//     share PIN   fill the PIN again and click "Share screen" (after an error or an end)
//     stop        click "Stop"
//     close       close the tab without clicking anything (the person just leaves)
//     quit        close the browser and exit
// playwright-core must be on NODE_PATH; Chromium is /usr/bin/chromium (never downloaded).
const fs = require('fs');
const { launchChromium, openBoxPage } = require('../webrtc/browser.js');

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}

const print = (object) => process.stdout.write(`${JSON.stringify(object)}\n`);

async function share(page, pin) {
  await page.getByLabel('PIN').fill(pin);
  await page.getByLabel('Your name').fill(option('name', 'Remote Rita'));
  print({ event: 'click', at_ms: Date.now() });
  await page.getByRole('button', { name: 'Share screen' }).click();
}

async function main() {
  const browser = await launchChromium();
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  page.setDefaultTimeout(90000);
  page.on('console', (message) => print({ console: message.type(), text: message.text() }));
  await page.exposeFunction('reportState', (state, text) => print({ state, text, at_ms: Date.now() }));
  await page.addInitScript(() => {
    window.addEventListener('DOMContentLoaded', () => {
      const report = () => window.reportState(document.body.dataset.state, document.getElementById('status').textContent);
      new MutationObserver(report).observe(document.body, { attributes: true, attributeFilter: ['data-state'],
        subtree: true, childList: true, characterData: true });
    });
  });
  await openBoxPage(page, option('url'));
  await page.waitForSelector('body[data-ready="true"]');
  print({ event: 'ready', meeting_id: await page.getByLabel('Meeting ID').inputValue() });
  await share(page, option('pin'));

  const control = option('control');
  let done = 0;
  for (;;) {
    const lines = control && fs.existsSync(control) ? fs.readFileSync(control, 'utf8').split('\n').filter(Boolean) : [];
    for (; done < lines.length; ++done) {
      const [command, argument] = lines[done].split(' ');
      print({ event: 'command', command });
      if (command === 'share') await share(page, argument);
      if (command === 'stop') await page.getByRole('button', { name: 'Stop' }).click();
      if (command === 'close') await page.close({ runBeforeUnload: true });
      if (command === 'quit') {
        await browser.close();
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

main().catch((error) => {
  print({ event: 'failed', error: String(error) });
  process.exit(1);
});
