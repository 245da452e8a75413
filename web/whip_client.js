// SPDX-License-Identifier: Apache-2.0
// The presenter's side of presentd's protocols (docs/protocol.md): POST /api/v1/join turns the
// PIN into a short-lived session token, WHIP (RFC 9725) carries the offer and answer, trickled
// candidates (PATCH, RFC 8840 fragments) and the end (DELETE), and the event channel
// (Server-Sent Events) reports admission and state.

export class RequestError extends Error {
  constructor(status, body, retryAfter) {
    super((body && body.message) || `The display answered ${status}.`);
    this.status = status;
    this.code = (body && body.error) || '';
    this.body = body || {};
    this.retryAfter = Number(retryAfter || (body && body.retry_after) || 0);
  }
}

async function jsonOf(response) {
  try {
    return await response.json();
  } catch {
    return {};
  }
}

export async function fetchCapabilities() {
  const response = await fetch('/api/v1/capabilities', { cache: 'no-store' });
  if (!response.ok) throw new RequestError(response.status, await jsonOf(response));
  return response.json();
}

// The PIN goes to the box once and is never kept by the page.
export async function join(pin, name) {
  const response = await fetch('/api/v1/join', {
    method: 'POST',
    cache: 'no-store',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ pin, name }),
  });
  const body = await jsonOf(response);
  if (!response.ok) throw new RequestError(response.status, body, response.headers.get('Retry-After'));
  return body;
}

function codecName(codec) {
  return codec.mimeType.split('/')[1].toLowerCase();
}

// Offers only what presentd decodes, in the order it prefers; within H.264 the packetization
// mode 1 constrained-baseline variant first (the one presentd decodes fastest). RTX, RED and
// FEC stay, after the media codecs.
export function preferCodecs(transceiver, order) {
  if (!transceiver.setCodecPreferences || !window.RTCRtpSender || !RTCRtpSender.getCapabilities) return;
  const capabilities = RTCRtpSender.getCapabilities('video');
  if (!capabilities) return;
  const rank = (codec) => {
    const index = order.indexOf(codecName(codec));
    const fmtp = codec.sdpFmtpLine || '';
    const h264Rank = codecName(codec) !== 'h264' ? 0
      : !fmtp.includes('packetization-mode=1') ? 2 : fmtp.includes('profile-level-id=42e01f') ? 0 : 1;
    return index * 4 + h264Rank;
  };
  const media = capabilities.codecs.filter((codec) => order.includes(codecName(codec)));
  if (media.length === 0) return;
  media.sort((a, b) => rank(a) - rank(b));
  const helpers = capabilities.codecs.filter((codec) => ['rtx', 'red', 'ulpfec'].includes(codecName(codec)));
  transceiver.setCodecPreferences([...media, ...helpers]);
}

// One WHIP session: offer, answer, trickle, events, end. Emits 'event' (CustomEvent with
// {name, data}) for every event-channel message and 'closed' when the channel ends.
export class WhipSession extends EventTarget {
  constructor(pc, endpoint, token) {
    super();
    this.pc = pc;
    this.endpoint = new URL(endpoint, window.location.href).href;
    this.token = token;
    this.location = null;
    this.etag = null;
    this.pending = [];
    this.endOfCandidates = false;
    this.patching = false;
    this.events = null;
  }

  async start() {
    this.pc.addEventListener('icecandidate', (event) => this.queueCandidate(event.candidate));
    await this.pc.setLocalDescription(await this.pc.createOffer());
    // Candidates trickle in PATCHes: the offer goes out at once, no waiting for gathering.
    const response = await fetch(this.endpoint, {
      method: 'POST',
      cache: 'no-store',
      headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${this.token}` },
      body: this.pc.localDescription.sdp,
    });
    if (response.status !== 201) {
      const text = (await response.text()).trim();
      throw new RequestError(response.status, { error: `whip_${response.status}`, message: text },
        response.headers.get('Retry-After'));
    }
    this.location = new URL(response.headers.get('Location'), this.endpoint).href;
    this.etag = response.headers.get('ETag');
    const answer = await response.text();
    this.openEvents();
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    this.flushCandidates();
  }

  openEvents() {
    this.events = new EventSource(`${this.location}/events`);
    for (const name of ['state', 'approval_request', 'approval_result']) {
      this.events.addEventListener(name, (message) => {
        let data = {};
        try {
          data = JSON.parse(message.data);
        } catch {
          return;
        }
        this.dispatchEvent(new CustomEvent('event', { detail: { name, data } }));
      });
    }
    this.events.addEventListener('error', () => {
      // EventSource retries by itself after a network blip; CLOSED means the box said no more.
      if (this.events && this.events.readyState === EventSource.CLOSED) {
        this.dispatchEvent(new CustomEvent('closed'));
      }
    });
  }

  queueCandidate(candidate) {
    if (candidate === null) {
      this.endOfCandidates = true;
    } else if (candidate.candidate) {
      this.pending.push(candidate);
    }
    this.flushCandidates();
  }

  // RFC 8840 fragment: the sender's ICE credentials, then each candidate under its m-line.
  fragmentOf(candidates, end) {
    const sdp = this.pc.localDescription.sdp;
    const ufrag = (sdp.match(/a=ice-ufrag:(.*)\r?\n/) || [])[1];
    const pwd = (sdp.match(/a=ice-pwd:(.*)\r?\n/) || [])[1];
    const mids = [...sdp.matchAll(/a=mid:(.*)\r?\n/g)].map((match) => match[1].trim());
    const lines = [`a=ice-ufrag:${ufrag}`, `a=ice-pwd:${pwd}`];
    // Everything is bundled: the first m-line carries all candidates.
    lines.push('m=video 9 UDP/TLS/RTP/SAVPF 0', `a=mid:${mids[0] || '0'}`);
    for (const candidate of candidates) lines.push(`a=${candidate.candidate}`);
    if (end) lines.push('a=end-of-candidates');
    return `${lines.join('\r\n')}\r\n`;
  }

  async flushCandidates() {
    if (!this.location || this.patching) return;
    if (this.pending.length === 0 && !this.endOfCandidates) return;
    if (this.pending.length === 0 && this.endSent) return;
    const candidates = this.pending.splice(0);
    const end = this.endOfCandidates;
    this.patching = true;
    try {
      await fetch(this.location, {
        method: 'PATCH',
        headers: {
          'Content-Type': 'application/trickle-ice-sdpfrag',
          'If-Match': this.etag || '*',
          Authorization: `Bearer ${this.token}`,
        },
        body: this.fragmentOf(candidates, end),
      });
      if (end) this.endSent = true;
    } catch {
      // A lost PATCH costs only that candidate: ICE still finds peer-reflexive paths.
    } finally {
      this.patching = false;
    }
    if (this.pending.length > 0) this.flushCandidates();
  }

  async approve(requestId, accept) {
    const response = await fetch(`${this.location}/approvals/${encodeURIComponent(requestId)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ accept }),
    });
    if (!response.ok) throw new RequestError(response.status, await jsonOf(response));
  }

  closeEvents() {
    if (this.events) this.events.close();
    this.events = null;
  }

  // Ends the session on the box; `leaving` uses keepalive so it survives the page unloading.
  stop(leaving = false) {
    this.closeEvents();
    if (!this.location) return Promise.resolve();
    const location = this.location;
    this.location = null;
    return fetch(location, {
      method: 'DELETE',
      keepalive: leaving,
      headers: { Authorization: `Bearer ${this.token}` },
    }).catch(() => {});
  }
}
