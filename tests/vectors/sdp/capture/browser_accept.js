// SPDX-License-Identifier: Apache-2.0
// Manual check: does a real browser accept presentd's answer to its own offer?
const {execFileSync} = require('child_process');
const fs = require('fs');
const which = process.argv[2];
const make_offer = async () => {
  const canvas = document.createElement('canvas'); canvas.width = 640; canvas.height = 360;
  canvas.getContext('2d').fillRect(0, 0, 10, 10);
  const video = canvas.captureStream(30).getVideoTracks()[0];
  const audio = new AudioContext().createMediaStreamDestination().stream.getAudioTracks()[0];
  window.pc = new RTCPeerConnection({bundlePolicy: 'max-bundle'});
  pc.addTransceiver(video, {direction: 'sendonly'});
  pc.addTransceiver(audio, {direction: 'sendonly'});
  pc.createDataChannel('d');
  await pc.setLocalDescription(await pc.createOffer());
  return pc.localDescription.sdp;
};
const apply = async (answer) => {
  try {
    await pc.setRemoteDescription({type: 'answer', sdp: answer});
    const dirs = pc.getTransceivers().map(t => t.mid + ':' + t.currentDirection);
    const params = pc.getSenders()[0].getParameters();
    return 'OK ' + pc.signalingState + ' ' + dirs.join(',') + ' codecs=' + params.codecs.map(c => c.mimeType + '/' + c.payloadType).join(',');
  } catch (e) { return 'REJECTED ' + e; }
};
(async () => {
  let browser, page;
  if (which === 'firefox') {
    const puppeteer = require('puppeteer-core');
    browser = await puppeteer.launch({browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true,
      extraPrefsFirefox: {'media.navigator.streams.fake': true, 'media.navigator.permission.disabled': true, 'media.navigator.permission.fake': true}});
    page = await browser.newPage();
  } else {
    const {chromium} = require('playwright-core');
    browser = await chromium.launch({executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu']});
    page = await browser.newPage();
  }
  const offer = await page.evaluate(make_offer);
  fs.writeFileSync('/tmp/presentd_offer_' + which + '.sdp', offer);
  const answer = execFileSync(process.env.SHOW_ANSWER || '/tmp/show_answer', ['/tmp/presentd_offer_' + which + '.sdp']).toString();
  console.log(await page.evaluate(apply, answer));
  await browser.close();
})();
