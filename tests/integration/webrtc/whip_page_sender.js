// SPDX-License-Identifier: Apache-2.0
// Shared by the browser WHIP senders (chromium_whip_sender.js, firefox_whip_sender.js).
//
// startWhip and finishWhip run inside the box's own page (a secure origin) through the driver's
// page.evaluate(), so each must stay self-contained. startWhip takes the browser's fake screen,
// its fake camera or a drawn canvas (optionally the microphone too), sends it with
// RTCPeerConnection and does the WHIP exchange (RFC 9725) with fetch(); finishWhip reports the
// sender's own view of the connection and DELETEs the session. In between, the driver streams
// until --duration passes or the test sends SIGUSR2 (it has seen what it waited for), and may
// restart ICE once (restartWhipIce).
const { openBoxPage } = require('./browser.js');

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
  window.whipEtag = response.headers.get('ETag');
  window.whipConnection = pc;
  const answer = await response.text();
  window.whipBoxUfrag = answer.match(/^a=ice-ufrag:(\S+)/m)[1];
  try {
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  } catch (error) {
    return { status: 201, set_remote_description: String(error), offer, answer };
  }
  const started = { status: 201, set_remote_description: 'ok', offer, answer, offer_candidate_addresses: addresses };
  // The congestion controller's first estimate once connected: where the ramp-up starts. Up to
  // 30 s: on a loaded machine (the sanitized daemon beside the rest of the suite) connecting took
  // longer than the 10 s this waited before, and the report then had no starting point.
  for (let i = 0; i < 300; ++i) {
    let estimate;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') estimate = s.availableOutgoingBitrate;
    });
    if (estimate) return { ...started, initial_outgoing_bitrate: estimate };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return started;
}

// RFC 9725 §4.3.2 ICE restart from the page: restartIce(), a new offer whose credentials and
// candidates go to the session as an application/trickle-ice-sdpfrag PATCH (If-Match: "*"), and
// the 200's fragment (the box's new credentials and candidates) applied as a new answer: the
// current answer with its ICE lines replaced. Resolves once the browser's nominated pair runs on
// the new credentials (its checks with the box's new password succeeded), or after 30 s.
async function restartWhipIce({ token }) {
  const pc = window.whipConnection;
  const before = pc.localDescription.sdp.match(/^a=ice-ufrag:(\S+)/m)[1];
  pc.restartIce();
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    setTimeout(resolve, 2000);
  });
  const offer = pc.localDescription.sdp;
  const ufrag = offer.match(/^a=ice-ufrag:(\S+)/m)[1];
  const pwd = offer.match(/^a=ice-pwd:(\S+)/m)[1];
  // The fragment names the first (BUNDLE-tagged) m-line by its mid, as RFC 8840 §4.2 lays out.
  const lines = offer.split('\r\n');
  const firstMedia = lines.findIndex((line) => line.startsWith('m='));
  const mid = lines.slice(firstMedia).find((line) => line.startsWith('a=mid:'));
  const group = lines.find((line) => line.startsWith('a=group:BUNDLE'));
  const [kind, , proto, ...formats] = lines[firstMedia].slice(2).split(' ');
  const fragment = [`a=ice-ufrag:${ufrag}`, `a=ice-pwd:${pwd}`, ...(group ? [group] : []),
    `m=${kind} 9 ${proto} ${formats.join(' ')}`, mid,
    ...lines.filter((line) => line.startsWith('a=candidate:')), 'a=end-of-candidates', ''].join('\r\n');
  const startedAt = performance.now();
  const response = await fetch(window.whipLocation, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/trickle-ice-sdpfrag', 'If-Match': '*', Authorization: 'Bearer ' + token },
    body: fragment,
  });
  const result = { status: response.status, old_ufrag: before, new_ufrag: ufrag,
    fragment_candidates: lines.filter((line) => line.startsWith('a=candidate:')).length,
    content_type: response.headers.get('Content-Type'), etag: response.headers.get('ETag'),
    etag_changed: response.headers.get('ETag') !== window.whipEtag };
  const answerFragment = await response.text();
  if (response.status !== 200) return { ...result, reason: answerFragment };
  const boxUfrag = answerFragment.match(/^a=ice-ufrag:(\S+)/m)[1];
  const boxPwd = answerFragment.match(/^a=ice-pwd:(\S+)/m)[1];
  const boxCandidates = answerFragment.split('\r\n').filter((line) => line.startsWith('a=candidate:'));
  // Every m-section of the current answer gets the new credentials; its old candidates go.
  const answer = [];
  for (const line of pc.currentRemoteDescription.sdp.split('\r\n')) {
    if (line.startsWith('a=candidate:') || line === 'a=end-of-candidates') continue;
    if (line.startsWith('a=ice-ufrag:')) {
      answer.push(`a=ice-ufrag:${boxUfrag}`);
    } else if (line.startsWith('a=ice-pwd:')) {
      answer.push(`a=ice-pwd:${boxPwd}`, ...boxCandidates, 'a=end-of-candidates');
    } else {
      answer.push(line);
    }
  }
  try {
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.join('\r\n') });
  } catch (error) {
    return { ...result, set_remote_description: String(error) };
  }
  result.set_remote_description = 'ok';
  result.box_ufrag_changed = boxUfrag !== window.whipBoxUfrag;
  for (;;) {
    let pairUfrag;
    const stats = await pc.getStats();
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) {
        const pair = stats.get(s.selectedCandidatePairId);
        const local = pair && stats.get(pair.localCandidateId);
        if (local) pairUfrag = local.usernameFragment;
      }
    });
    if (pairUfrag === ufrag || performance.now() - startedAt > 30000) {
      result.selected_pair_ufrag = pairUfrag;
      result.new_pair_after_ms = Math.round(performance.now() - startedAt);
      result.connection = pc.connectionState;
      return result;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
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
// With restartAfterMs, ICE is restarted that long after the answer (restartWhipIce), reported as
// "ice_restart", and the stream goes on for the rest of durationMs.
async function runWhipSender(page, { url, token, durationMs, source, withAudio, keepSdp, restartAfterMs }) {
  const started = await page.evaluate(startWhip, { url, token, source, withAudio });
  if (started.status !== 201 || started.set_remote_description !== 'ok') {
    console.log(JSON.stringify(started));
    return { code: 2, report: started };
  }
  const begin = Date.now();
  let restart;
  if (restartAfterMs) {
    await new Promise((resolve) => setTimeout(resolve, restartAfterMs));
    restart = await page.evaluate(restartWhipIce, { token });
  }
  await streamFor(Math.max(0, durationMs - (Date.now() - begin)));
  const report = { ...started, ...(restart ? { ice_restart: restart } : {}), ...(await page.evaluate(finishWhip, { token })) };
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

module.exports = { runWhipSender, option, openBoxPage };
