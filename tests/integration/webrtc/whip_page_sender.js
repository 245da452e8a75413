// The in-page half of the browser WHIP senders (chromium_whip_sender.js, firefox_whip_sender.js):
// run inside the box's own page (a secure origin) through the driver's page.evaluate(). It takes
// the browser's fake screen or camera (and optionally microphone), sends it with
// RTCPeerConnection, does the WHIP exchange (RFC 9725) with fetch(), streams for a while, and
// returns one report with the sender's own view of the connection, then DELETEs the session.
//
// Must stay self-contained: the driver serialises the function into the page.
async function sendOverWhip({ url, token, durationMs, source, withAudio }) {
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
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/sdp', Authorization: 'Bearer ' + token },
    body: offer,
  });
  if (response.status !== 201) return { status: response.status, reason: await response.text(), offer };
  const location = new URL(response.headers.get('Location'), url).href;
  const answer = await response.text();
  try {
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  } catch (error) {
    return { status: 201, set_remote_description: String(error), offer, answer };
  }
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  const report = { status: 201, set_remote_description: 'ok', connection: pc.connectionState, dtls: '',
                   srtp_cipher: '', offer, answer };
  // The connection addresses the offer gave: "<uuid>.local" names when the browser hides its
  // host addresses (a page without camera/microphone permission).
  report.offer_candidate_addresses = offer.split('\r\n')
    .filter((line) => line.startsWith('a=candidate:')).map((line) => line.split(' ')[4]);
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
  const deleted = await fetch(location, { method: 'DELETE', headers: { Authorization: 'Bearer ' + token } });
  report.deleted = deleted.status;
  pc.close();
  return report;
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

module.exports = { sendOverWhip, option, openBoxPage };
