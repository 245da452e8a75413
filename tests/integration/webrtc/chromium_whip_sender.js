#!/usr/bin/env node
// A WHIP sender in headless Chromium, for presentd's integration tests: the page shares
// Chromium's fake screen (getDisplayMedia with --use-fake-device-for-media-stream) through
// RTCPeerConnection and does the WHIP exchange (RFC 9725) with fetch(). At the end it prints one
// JSON line with the sender's own view (frames sent, the bitrate its congestion controller
// reached), then DELETEs the session.
//
// Usage: node chromium_whip_sender.js --url https://BOX:PORT/whip --token PIN [--duration S] [--audio]
// SIGUSR2 ends the streaming early (the test saw what it waited for).
// playwright-core must be on NODE_PATH; Chromium is /usr/bin/chromium (never downloaded).
const { chromium } = require('playwright-core');

function option(name, fallback) {
  const index = process.argv.indexOf('--' + name);
  return index > 0 ? process.argv[index + 1] : fallback;
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

// Installed at once: an early SIGUSR2 must not kill the process (its default action).
let stopRequested = false;
let stopStreaming = null;
process.on('SIGUSR2', () => {
  stopRequested = true;
  if (stopStreaming) stopStreaming();
});

async function main() {
  const url = option('url');
  const token = option('token', '');
  const durationMs = Number(option('duration', '8')) * 1000;
  const withAudio = process.argv.includes('--audio');
  // Generous timeouts: CI runs this beside other tests on two busy cores.
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    timeout: 120000,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
           '--ignore-certificate-errors'],  // playwright gives every launch a new empty profile
  });
  try {
    const page = await browser.newPage();
    // The box's own page gives a secure origin for getDisplayMedia and fetch().
    page.setDefaultTimeout(120000);
    await openBoxPage(page, new URL('/', url).href);
    // Connect, then stream until --duration passes or the test sends SIGUSR2 (it has seen what
    // it waited for), then report and DELETE.
    const started = await page.evaluate(async ({ url, token, withAudio }) => {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true });
      const track = stream.getVideoTracks()[0];
      track.contentHint = 'detail';
      const pc = new RTCPeerConnection();
      pc.addTransceiver(track, { direction: 'sendonly' });
      if (withAudio) {
        // Chromium's fake microphone: a periodic beep.
        const microphone = await navigator.mediaDevices.getUserMedia({ audio: true });
        pc.addTransceiver(microphone.getAudioTracks()[0], { direction: 'sendonly' });
      }
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise((resolve) => {
        if (pc.iceGatheringState === 'complete') return resolve();
        pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
        setTimeout(resolve, 2000);
      });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/sdp', Authorization: 'Bearer ' + token },
        body: pc.localDescription.sdp,
      });
      if (response.status !== 201) return { status: response.status, reason: await response.text() };
      window.whipLocation = new URL(response.headers.get('Location'), url).href;
      window.whipConnection = pc;
      await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
      // The congestion controller's first estimate once connected: where the ramp-up starts.
      for (let i = 0; i < 100; ++i) {
        let estimate;
        (await pc.getStats()).forEach((s) => {
          if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') estimate = s.availableOutgoingBitrate;
        });
        if (estimate) return { status: 201, initial_outgoing_bitrate: estimate };
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return { status: 201 };
    }, { url, token, withAudio });
    if (started.status !== 201) {
      console.log(JSON.stringify(started));
      return 2;
    }
    await new Promise((resolve) => {
      if (stopRequested) return resolve();
      stopStreaming = resolve;
      setTimeout(resolve, durationMs);
    });
    const result = await page.evaluate(async ({ token, initial }) => {
      const pc = window.whipConnection;
      const report = { status: 201, connection: pc.connectionState, dtls: '', srtp_cipher: '',
                       initial_outgoing_bitrate: initial };
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'outbound-rtp' && s.kind === 'video') {
          report.frames_encoded = s.framesEncoded;
          report.frames_sent = s.framesSent;
          report.nack_count = s.nackCount;
          report.pli_count = s.pliCount;
          report.codec_id = s.codecId;
        }
        if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
          report.available_outgoing_bitrate = s.availableOutgoingBitrate;
        }
        if (s.type === 'transport') {
          report.dtls = s.dtlsState;
          report.srtp_cipher = s.srtpCipher;
        }
      });
      const deleted = await fetch(window.whipLocation, { method: 'DELETE', headers: { Authorization: 'Bearer ' + token } });
      report.deleted = deleted.status;
      pc.close();
      return report;
    }, { token, initial: started.initial_outgoing_bitrate });
    console.log(JSON.stringify(result));
    return result.status === 201 ? 0 : 2;
  } finally {
    await browser.close();
  }
}

main().then((code) => process.exit(code), (error) => {
  console.log(JSON.stringify({ error: String(error) }));
  process.exit(1);
});
