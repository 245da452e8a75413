// SPDX-License-Identifier: Apache-2.0
// Prints the offer a browser makes for a sendonly canvas-capture video track plus a sendonly
// audio track (the shape of a screen share with system audio), after ICE gathering completes.
// Usage: node browser_offer.js chromium|firefox   (needs playwright-core / puppeteer-core)
const browserName = process.argv[2] || 'chromium';

const page_script = async () => {
  const canvas = document.createElement('canvas');
  canvas.width = 1280;
  canvas.height = 720;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#3060c0';
  ctx.fillRect(0, 0, 1280, 720);
  const video = canvas.captureStream(30).getVideoTracks()[0];
  const audio_ctx = new AudioContext();
  const audio = audio_ctx.createMediaStreamDestination().stream.getAudioTracks()[0];
  const pc = new RTCPeerConnection({bundlePolicy: 'max-bundle'});
  pc.addTransceiver(video, {direction: 'sendonly'});
  pc.addTransceiver(audio, {direction: 'sendonly'});
  pc.createDataChannel('d');
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    setTimeout(resolve, 5000);
  });
  return pc.localDescription.sdp;
};

(async () => {
  let browser;
  let sdp;
  if (browserName === 'firefox') {
    const puppeteer = require('puppeteer-core');
    browser = await puppeteer.launch({
      browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true,
      extraPrefsFirefox: {'media.navigator.streams.fake': true, 'media.navigator.permission.disabled': true,
                          'media.navigator.permission.fake': true},
    });
    const page = await browser.newPage();
    sdp = await page.evaluate(page_script);
  } else {
    const {chromium} = require('playwright-core');
    browser = await chromium.launch({executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run']});
    const page = await browser.newPage();
    await page.goto('about:blank');
    sdp = await page.evaluate(page_script);
  }
  process.stdout.write(sdp);
  await browser.close();
})();
