// Shared by the browser WHIP senders (chromium_whip_sender.js, firefox_whip_sender.js).
//
// startWhip and finishWhip run inside the box's own page (a secure origin) through the driver's
// page.evaluate(), so each must stay self-contained. startWhip takes the browser's fake screen,
// its fake camera or a drawn canvas (optionally the microphone too), sends it with
// RTCPeerConnection and does the WHIP exchange (RFC 9725) with fetch(); finishWhip reports the
// sender's own view of the connection and DELETEs the session. In between, the driver streams
// until --duration passes or the test sends SIGUSR2 (it has seen what it waited for).

async function startWhip({ url, token, source, withAudio }) {
  let media;
  if (source === 'screen') {
    media = await navigator.mediaDevices.getDisplayMedia({ video: true });
  } else if (source === 'canvas') {
    // A drawn picture needs no media permission, so the browser keeps its addresses hidden.
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 360;
    const context = canvas.getContext('2d');
    let frame = 0;
    setInterval(() => {
      context.fillStyle = '#c00000';
      context.fillRect(0, 0, 640, 360);
      context.fillStyle = '#ffffff';
      context.fillRect((frame++ * 8) % 640, 150, 40, 40);
    }, 33);
    media = canvas.captureStream(30);
  } else {
    media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 } });
  }
  const track = media.getVideoTracks()[0];
  track.contentHint = 'detail';
  const pc = new RTCPeerConnection();
  pc.addTransceiver(track, { direction: 'sendonly' });
  if (withAudio) {
    const microphone = await navigator.mediaDevices.getUserMedia({ audio: true });
    pc.addTransceiver(microphone.getAudioTracks()[0], { direction: 'sendonly' });
  }
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    setTimeout(resolve, 2000);
  });
  const offer = pc.localDescription.sdp;
  // The connection addresses the offer gave: "<uuid>.local" names when the browser hides its
  // host addresses (a page without camera/microphone permission).
  const addresses = offer.split('\r\n').filter((line) => line.startsWith('a=candidate:'))
    .map((line) => line.split(' ')[4]);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/sdp', Authorization: 'Bearer ' + token },
    body: offer,
  });
  if (response.status !== 201) return { status: response.status, reason: await response.text(), offer };
  window.whipLocation = new URL(response.headers.get('Location'), url).href;
  window.whipConnection = pc;
  const answer = await response.text();
  try {
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  } catch (error) {
    return { status: 201, set_remote_description: String(error), offer, answer };
  }
  const started = { status: 201, set_remote_description: 'ok', offer, answer, offer_candidate_addresses: addresses };
  // The congestion controller's first estimate once connected: where the ramp-up starts.
  for (let i = 0; i < 100; ++i) {
    let estimate;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') estimate = s.availableOutgoingBitrate;
    });
    if (estimate) return { ...started, initial_outgoing_bitrate: estimate };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return started;
}

async function finishWhip({ token }) {
  const pc = window.whipConnection;
  const report = { connection: pc.connectionState, dtls: '', srtp_cipher: '' };
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
}

// Installed at load: an early SIGUSR2 must not kill the process (its default action).
let stopRequested = false;
let stopStreaming = null;
process.on('SIGUSR2', () => {
  stopRequested = true;
  if (stopStreaming) stopStreaming();
});

// Resolves after `ms` or at SIGUSR2, whichever comes first.
function streamFor(ms) {
  return new Promise((resolve) => {
    if (stopRequested) return resolve();
    stopStreaming = resolve;
    setTimeout(resolve, ms);
  });
}

// Connect, stream, report: one JSON line on stdout (offer and answer kept only when asked).
async function runWhipSender(page, { url, token, durationMs, source, withAudio, keepSdp }) {
  const started = await page.evaluate(startWhip, { url, token, source, withAudio });
  if (started.status !== 201 || started.set_remote_description !== 'ok') {
    console.log(JSON.stringify(started));
    return { code: 2, report: started };
  }
  await streamFor(durationMs);
  const report = { ...started, ...(await page.evaluate(finishWhip, { token })) };
  if (!keepSdp) {
    delete report.offer;
    delete report.answer;
  }
  console.log(JSON.stringify(report));
  return { code: 0, report };
}

// Command-line options shared by both drivers: --name value.
function option(name, fallback) {
  const index = process.argv.indexOf('--' + name);
  return index > 0 ? process.argv[index + 1] : fallback;
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

module.exports = { runWhipSender, option, openBoxPage };
