// SPDX-License-Identifier: Apache-2.0
// The viewer's page (issue 15): asks the box for the room's screen over WHEP
// (draft-ietf-wish-whep) with a recvonly offer of one audio and four video m-lines, then lays out
// the m-lines that show someone like the wall display does, following GET /whep/<id>/layout
// every half second. The PIN (when viewers.policy is "pin") is the Bearer token, sent once to the
// box and never kept.
import { RequestError, fetchCapabilities } from '/whip_client.js';

const MAX_TILES = 4;
const LAYOUT_INTERVAL_MS = 500;
// Candidates of the local network are gathered within milliseconds; the offer waits at most this
// long so the box needs no trickle from the page.
const GATHER_TIMEOUT_MS = 1500;

const $ = (id) => document.getElementById(id);

function setStatus(text, state) {
  $('status').textContent = text;
  $('stage-status').textContent = text;
  if (state) document.body.dataset.state = state;
}

function gatheringComplete(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, GATHER_TIMEOUT_MS);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

class Viewer {
  constructor(endpoint, token) {
    this.endpoint = new URL(endpoint, window.location.href).href;
    this.token = token;
    this.location = null;
    this.pc = null;
    this.tiles = new Map(); // mid → {element, video, name}
    this.audio = new Audio();
    this.audio.autoplay = true;
    this.timer = null;
  }

  headers(extra = {}) {
    return this.token ? { ...extra, Authorization: `Bearer ${this.token}` } : extra;
  }

  async start() {
    const pc = new RTCPeerConnection();
    this.pc = pc;
    pc.addTransceiver('audio', { direction: 'recvonly' });
    for (let i = 0; i < MAX_TILES; i += 1) pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addEventListener('track', (event) => this.onTrack(event));
    pc.addEventListener('connectionstatechange', () => this.onConnectionState());
    await pc.setLocalDescription(await pc.createOffer());
    await gatheringComplete(pc);
    const response = await fetch(this.endpoint, {
      method: 'POST',
      cache: 'no-store',
      headers: this.headers({ 'Content-Type': 'application/sdp' }),
      body: pc.localDescription.sdp,
    });
    if (response.status !== 201) {
      const text = (await response.text()).trim();
      throw new RequestError(response.status, { error: `whep_${response.status}`, message: text },
        response.headers.get('Retry-After'));
    }
    this.location = new URL(response.headers.get('Location'), this.endpoint).href;
    await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
    this.followLayout();
  }

  onTrack(event) {
    const { transceiver, track } = event;
    if (track.kind === 'audio') {
      this.audio.srcObject = new MediaStream([track]);
      this.audio.play().catch(() => { $('unmute').hidden = false; });
      return;
    }
    const element = document.createElement('div');
    element.className = 'tile';
    element.hidden = true;
    const video = document.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    video.muted = true; // the sound plays from the audio element
    video.srcObject = new MediaStream([track]);
    const name = document.createElement('span');
    name.className = 'name';
    element.append(video, name);
    $('tiles').append(element);
    this.tiles.set(transceiver.mid, { element, video, name });
  }

  onConnectionState() {
    const state = this.pc ? this.pc.connectionState : 'closed';
    if (state === 'connected') setStatus('Watching live.', 'presenting');
    if (state === 'disconnected') setStatus('Connection interrupted; reconnecting…', 'reconnecting');
    if (state === 'failed') this.end('The connection to the display was lost. Reload the page to watch again.');
  }

  followLayout() {
    const poll = async () => {
      if (!this.location) return;
      try {
        const response = await fetch(`${this.location}/layout`, { cache: 'no-store' });
        if (response.status === 404) return this.end('The display ended this view.');
        if (response.ok) this.showLayout(await response.json());
      } catch {
        // A lost poll is retried on the next tick.
      }
      this.timer = setTimeout(poll, LAYOUT_INTERVAL_MS);
    };
    poll();
  }

  showLayout(layout) {
    let shown = 0;
    for (const line of layout.media || []) {
      if (line.kind !== 'video') continue;
      const tile = this.tiles.get(line.mid);
      if (!tile) continue;
      const showing = line.presenter !== null && line.presenter !== undefined;
      tile.element.hidden = !showing;
      tile.name.textContent = showing ? line.presenter : '';
      if (showing) shown += 1;
    }
    $('tiles').dataset.count = String(shown);
    $('nobody').hidden = shown > 0;
  }

  end(text) {
    clearTimeout(this.timer);
    if (this.pc) this.pc.close();
    this.pc = null;
    setStatus(text, 'ended');
    $('tiles').replaceChildren();
    this.tiles.clear();
  }

  // DELETE ends the viewer on the box; keepalive lets it leave with the page.
  stop(leaving = false) {
    const location = this.location;
    this.location = null;
    this.end('You stopped watching.');
    if (!location) return;
    fetch(location, { method: 'DELETE', keepalive: leaving, headers: this.headers() }).catch(() => {});
  }
}

function explain(error) {
  if (!(error instanceof RequestError)) return 'The display could not be reached.';
  switch (error.status) {
    case 401: return 'Wrong PIN. Check the PIN shown on the screen.';
    case 403: return 'Watching is turned off on this display.';
    case 429: return `Too many wrong PINs. Try again in ${error.retryAfter || 60} s.`;
    case 503: return `The room has as many viewers as it takes. Try again in ${error.retryAfter || 10} s.`;
    case 406: return 'This browser offers no video format the display can forward.';
    default: return error.message;
  }
}

async function main() {
  let capabilities = {};
  try {
    capabilities = await fetchCapabilities();
  } catch {
    setStatus('The display could not be reached.', 'error');
    return;
  }
  if (capabilities.room) $('room').textContent = capabilities.room;
  const watch = capabilities.watch || { policy: 'pin', whep: '/whep' };
  if (watch.policy === 'off') {
    setStatus('Watching is turned off on this display.', 'error');
    $('watch-form').hidden = true;
    return;
  }
  const needsPin = watch.policy === 'pin' && capabilities.pin_required;
  $('pin-field').hidden = !needsPin;
  setStatus(needsPin ? 'Enter the PIN shown on the screen, then watch.' : 'Ready to watch.', 'idle');
  let viewer = null;
  $('watch-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const pin = needsPin ? $('pin').value.trim() : '';
    $('watch').disabled = true;
    setStatus('Connecting…', 'waiting');
    viewer = new Viewer(watch.whep, pin);
    try {
      await viewer.start();
      $('start').hidden = true;
      $('stage').hidden = false;
    } catch (error) {
      viewer.end(explain(error));
      viewer = null;
      $('watch').disabled = false;
    }
  });
  $('stop').addEventListener('click', () => {
    if (viewer) viewer.stop();
    viewer = null;
    $('stage').hidden = true;
    $('start').hidden = false;
    $('watch').disabled = false;
  });
  $('unmute').addEventListener('click', () => {
    if (viewer) viewer.audio.play().then(() => { $('unmute').hidden = true; }).catch(() => {});
  });
  window.addEventListener('pagehide', () => {
    if (viewer) viewer.stop(true);
  });
}

main();
