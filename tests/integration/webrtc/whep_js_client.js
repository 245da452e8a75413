#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// A third-party WHEP player in headless Chromium or Firefox ESR for the integration tests: the npm package
// whip-whep (medooze, pinned in scripts/common.sh), used exactly as its README shows: one
// RTCPeerConnection with max-bundle, addTransceiver("audio") and addTransceiver("video") with
// no direction (so the offer says sendrecv, not recvonly), the PIN as its Bearer token. None of
// presentd's page code runs: the player runs in a blank document of the box's origin. It must be
// a secure context of that origin: from an opaque one, Chromium refuses requests to a private
// address (Private Network Access) and Firefox gathered no candidates. The box's pages allow no
// inline script, so the driver evaluates the library itself (the driver's evaluation is not page
// script). The script waits until the video decodes, reads the picture's mean colour back, stops
// (the library's DELETE), and prints one JSON line of what it saw for the C++ test.
//
// Usage: node whep_js_client.js --box https://BOX:PORT --pin PIN [--browser chromium|firefox]
// playwright-core (Chromium), puppeteer-core (Firefox) and whip-whep must be under NODE_PATH; the
// browsers are Debian's /usr/bin/chromium and /usr/bin/firefox-esr.
const fs = require('fs');
const path = require('path');
const { launchChromium, launchFirefox, openBoxPage, viewersOnceGone } = require('./browser.js');
const { option } = require('./whip_page_sender.js');

const box = option('box');
const pin = option('pin');
const browserName = option('browser', 'chromium');
const LONG = 90000; // CI: two busy cores

// The library is an ES module whose one export is WHEPClient; the page gets it as a script that
// declares the class and puts it on window.
function libraryScript() {
  const modules = (process.env.NODE_PATH || '').split(':').filter(Boolean);
  for (const dir of modules) {
    const file = path.join(dir, 'whip-whep', 'whep.js');
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8').replace(/^export class WHEPClient/m, 'class WHEPClient');
    return `(() => {\n${text}\nwindow.WHEPClient = WHEPClient;\n})()`;
  }
  throw new Error('whip-whep is not under NODE_PATH (scripts/test.sh installs it)');
}

// A new page of the browser asked for (playwright's Chromium wants a context for the box's
// certificate; puppeteer's Firefox took it at launch).
async function newPage(browser) {
  if (browserName === 'firefox') return browser.newPage();
  return (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
}

async function main() {
  const report = { browser: browserName };
  const browser = await (browserName === 'firefox' ? launchFirefox() : launchChromium());
  try {
    const page = await newPage(browser);
    page.setDefaultTimeout(LONG);
    page.on('console', (message) => console.error(`page: ${message.text()}`));
    await openBoxPage(page, `${box}/whep-player-test`);  // a 404 page: only its origin matters
    await page.evaluate(libraryScript());
    await page.waitForFunction(() => typeof window.WHEPClient === 'function');
    Object.assign(report, await page.evaluate(async ({ url, token, long }) => {
      const seen = { requests: [] };
      // What the library asked of the box and what it answered (method and status, in order).
      const originalFetch = window.fetch;
      window.fetch = async (resource, init) => {
        const response = await originalFetch(resource, init);
        seen.requests.push(`${(init && init.method) || 'GET'} ${response.status}`);
        return response;
      };
      const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
      pc.addTransceiver('audio');
      pc.addTransceiver('video');
      const video = document.createElement('video');
      video.muted = true;
      video.autoplay = true;
      document.body.append(video);
      const kinds = [];
      pc.ontrack = (event) => {
        kinds.push(event.track.kind);
        if (event.track.kind === 'video') video.srcObject = new MediaStream([event.track]);
      };
      const whep = new window.WHEPClient();
      let offer = '';
      whep.onOffer = (sdp) => { offer = sdp; return sdp; };
      await whep.view(pc, url, token);
      // The directions of the m-lines (a browser may add a session-level one when it re-serialises).
      const directions = (sdp) => [...sdp.slice(sdp.search(/^m=/m)).matchAll(/^a=(sendrecv|recvonly|sendonly|inactive)\r?$/gm)]
        .map((m) => m[1]);
      seen.offer_directions = directions(offer);
      seen.answer_directions = directions(pc.remoteDescription.sdp);
      const deadline = Date.now() + long;
      for (;;) {
        const stats = await pc.getStats();
        let framesDecoded = 0;
        let audioPackets = 0;
        stats.forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') framesDecoded = s.framesDecoded || 0;
          if (s.type === 'inbound-rtp' && s.kind === 'audio') audioPackets = s.packetsReceived || 0;
        });
        seen.frames_decoded = framesDecoded;
        seen.audio_packets = audioPackets;
        if ((framesDecoded >= 30 && audioPackets >= 50) || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      seen.tracks = kinds;
      seen.local_candidates = [...pc.localDescription.sdp.matchAll(/^a=candidate:.*$/gm)].map((m) => m[0]);
      seen.connection_state = pc.connectionState;
      seen.ice_connection_state = pc.iceConnectionState;
      seen.width = video.videoWidth;
      seen.height = video.videoHeight;
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 48;
      const context2d = canvas.getContext('2d');
      context2d.drawImage(video, 0, 0, canvas.width, canvas.height);
      const data = context2d.getImageData(0, 0, canvas.width, canvas.height).data;
      const sums = [0, 0, 0];
      for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; ++c) sums[c] += data[i + c];
      seen.mean_rgb = sums.map((sum) => Math.round(sum / (data.length / 4)));
      seen.resource = whep.resourceURL ? whep.resourceURL.pathname : '';
      await whep.stop();
      seen.connection_state_after_stop = pc.connectionState;
      return seen;
    }, { url: `${box}/whep`, token: pin, long: LONG }));
    // The player's page is of the box's origin: it reads the box's status too.
    report.viewers_after_stop = (await viewersOnceGone(page)).count;
  } catch (error) {
    report.error = String(error);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(report));
}

main();
