// SPDX-License-Identifier: Apache-2.0
// One remote presentation to a presentd room through its XMPP server, with StanzaJS:
//
//   page                                   XMPP server (WebSocket, RFC 7395)          box
//   connect: SASL ANONYMOUS on the guest host, or SCRAM with the person's own account
//   external services (XEP-0215) ───────▶  the TURN servers and their credentials
//   <presence type='subscribe'/> ──────────────────────────────────────────────▶  subscribed + presence
//   <message><propose id=S/> (XEP-0353) ───────────────────────────────────────▶  <proceed id=S/> | <reject/>
//   <iq><jingle session-initiate sid=S><pin xmlns='urn:presentd:pin:0'/>… ────▶  session-accept | session-terminate
//   transport-info (trickled candidates) ──────────────────────────────────────▶
//   <session-info><active/> ◀──────────────── the presentation is on the screen (after approval)
//
// The PIN travels the way the box expects it (docs/protocol.md, "Jingle over XMPP"): a
// <pin xmlns='urn:presentd:pin:0'> child of the session-initiate's <jingle/>; the name as a
// XEP-0172 <nick/> beside it. Neither is kept after the session-initiate is sent.
import * as XMPP from 'stanza';

const { JXT, Namespaces } = XMPP;
export const NS_PIN = 'urn:presentd:pin:0';
export const NS_JMI = 'urn:xmpp:jingle-message:0'; // XEP-0353 (StanzaJS knows only an older namespace)
export const NS_NICK = 'http://jabber.org/protocol/nick';

// The room's state as its presence says it (docs/protocol.md, "Presence").
function roomStateOf(presence) {
  if (presence.type === 'unavailable') return 'offline';
  if (presence.show === 'dnd') return 'full';
  if (presence.show === 'away') return 'presenting';
  return 'idle';
}

function defineStanzas(client) {
  const jmi = (element) => ({
    element,
    namespace: NS_JMI,
    path: `message.jmi${element[0].toUpperCase()}${element.slice(1)}`,
    fields: {
      id: JXT.attribute('id'),
      media: JXT.childAttribute(Namespaces.NS_JINGLE_RTP_1, 'description', 'media'),
      reason: JXT.deepChildText([{ namespace: Namespaces.NS_JINGLE_1, element: 'reason' },
        { namespace: Namespaces.NS_JINGLE_1, element: 'text' }]),
    },
  });
  client.stanzas.define([
    jmi('propose'), jmi('proceed'), jmi('reject'), jmi('retract'),
    { element: 'pin', namespace: NS_PIN, path: 'iq.jingle.presentdPin', fields: { value: JXT.text() } },
    { element: 'nick', namespace: NS_NICK, path: 'iq.jingle.presentdNick', fields: { value: JXT.text() } },
  ]);
}

// Listener callbacks: onRoom(state), onConnection('online' | 'reconnecting' | 'resumed'),
// onAccepted(), onActive(), onEnded({condition, text}).
export class RoomCall {
  constructor(config, listener) {
    this.config = config;
    this.listener = listener;
    this.roomState = 'unknown';
    this.roomFullJid = null;
    this.session = null;
  }

  // Resolves once logged in (and the TURN servers asked for); rejects when the login fails.
  connect(account) {
    const guest = !account;
    this.client = XMPP.createClient({
      jid: guest ? this.config.guest_domain : account.jid,
      password: guest ? undefined : account.password,
      server: guest ? this.config.guest_domain : undefined,
      transports: { websocket: this.config.websocket, bosh: false },
      allowResumption: true,
      autoReconnect: true,
      jingle: { iceServers: [], bundlePolicy: 'max-bundle', trickleIce: true },
    });
    defineStanzas(this.client);
    this.addPin();
    const client = this.client;
    client.on('available', (presence) => this.onPresence(presence));
    client.on('unavailable', (presence) => this.onPresence(presence));
    client.on('subscribe', (presence) => client.acceptSubscription(presence.from));
    client.on('message', (message) => this.onMessage(message));
    client.on('disconnected', () => this.session && this.listener.onConnection('reconnecting'));
    client.on('stream:management:resumed', () => this.listener.onConnection('resumed'));
    client.on('jingle:accepted', (session) => session === this.session && this.listener.onAccepted());
    client.on('jingle:terminated', (session, reason) => {
      if (session !== this.session) return;
      this.session = null;
      this.listener.onEnded(reason || { condition: 'success' });
    });
    // XEP-0167 session-info <active/>: the box put the presentation on the screen (after approval).
    client.on('jingle:resumed', (session) => session === this.session && this.listener.onActive());
    return new Promise((resolve, reject) => {
      const failed = (error) => {
        client.off('session:started', started);
        client.config.autoReconnect = false;
        client.disconnect();
        reject(error);
      };
      const started = async () => {
        client.off('auth:failed', onAuthFailed);
        client.off('--transport-disconnected', onClosed);
        // XEP-0215 from the user's own server: the TURN servers it hands out (time-limited).
        await client.discoverICEServers();
        this.listener.onConnection('online');
        resolve();
      };
      const onAuthFailed = () => failed(new Error(guest ? 'The server refused guests.' : 'Wrong address or password.'));
      const onClosed = () => failed(new Error('The server could not be reached.'));
      client.once('session:started', started);
      client.once('auth:failed', onAuthFailed);
      client.once('--transport-disconnected', onClosed);
      client.connect();
    });
  }

  // Outgoing session-initiate: the PIN and the name go inside <jingle/>.
  addPin() {
    const manager = this.client.jingle;
    const signal = manager.signal.bind(manager);
    manager.signal = (session, data) => {
      if (session === this.session && data.jingle && data.jingle.action === 'session-initiate') {
        if (this.pin) data.jingle.presentdPin = { value: this.pin };
        if (this.name) data.jingle.presentdNick = { value: this.name };
        this.pin = null;
      }
      signal(session, data);
    };
  }

  roomJid(meetingId) {
    return `${meetingId}@${this.config.room_domain}`;
  }

  // Subscribes to the room's presence: the box approves every request and the server then
  // sends its current presence; onRoom reports every change (offline, idle, presenting, full).
  watchRoom(meetingId) {
    this.room = this.roomJid(meetingId);
    // Available first: the server delivers the room's presence only to available resources.
    this.client.sendPresence();
    this.client.subscribe(this.room);
  }

  onPresence(presence) {
    if (!this.room || XMPP.JID.toBare(presence.from) !== this.room) return;
    const state = roomStateOf(presence);
    if (state === 'offline') {
      if (presence.from === this.roomFullJid || XMPP.JID.toBare(presence.from) === presence.from) this.roomFullJid = null;
    } else if (XMPP.JID.getResource(presence.from)) {
      this.roomFullJid = presence.from;
    }
    this.roomState = this.roomFullJid ? state : 'offline';
    this.listener.onRoom(this.roomState);
  }

  // XEP-0353: rings the room; resolves with the box's full JID on <proceed/>, rejects with the
  // box's reason on <reject/>.
  ring() {
    const id = XMPP.Utils.uuid();
    this.ringing = { id };
    const promise = new Promise((resolve, reject) => Object.assign(this.ringing, { resolve, reject }));
    this.client.sendMessage({ to: this.room, type: 'chat', jmiPropose: { id, media: 'video' } });
    return promise;
  }

  onMessage(message) {
    const ringing = this.ringing;
    if (!ringing || XMPP.JID.toBare(message.from) !== this.room) return;
    if (message.jmiProceed && message.jmiProceed.id === ringing.id) {
      this.ringing = null;
      ringing.resolve({ jid: message.from, sid: ringing.id });
    } else if (message.jmiReject && message.jmiReject.id === ringing.id) {
      this.ringing = null;
      ringing.reject(Object.assign(new Error(message.jmiReject.reason || 'The room declined.'), { condition: 'decline' }));
    }
  }

  // The Jingle session: the screen first, room for the camera and one sound filled later with
  // replaceTrack (the box takes no content-add). Returns the peer connection's senders.
  start(peer, sid, { screen, wantAudio, pin, name }) {
    const session = this.client.jingle.createMediaSession(peer, sid);
    this.session = session;
    this.pin = pin;
    this.name = name;
    const pc = session.pc;
    const video = screen.getVideoTracks()[0];
    if ('contentHint' in video) video.contentHint = 'detail'; // text and fine lines matter more than motion
    pc.addTransceiver(video, { direction: 'sendonly', streams: [screen] });
    const camera = pc.addTransceiver('video', { direction: 'sendonly' });
    const screenAudio = screen.getAudioTracks()[0];
    const audio = pc.addTransceiver(wantAudio && screenAudio ? screenAudio : 'audio', { direction: 'sendonly' });
    session.start();
    return { pc, cameraSender: camera.sender, audioSender: audio.sender, screenAudio };
  }

  // The person stopped: session-terminate <success/>, then leave.
  hangUp() {
    if (this.ringing) {
      this.client.sendMessage({ to: this.room, type: 'chat', jmiRetract: { id: this.ringing.id } });
      this.ringing = null;
    }
    const session = this.session;
    this.session = null;
    if (session) session.end('success');
  }

  // The tab is closing: queued sends never run, so the session-terminate goes straight onto the
  // WebSocket; otherwise the box would only learn of the end from the peer connection closing.
  leaveNow() {
    const session = this.session;
    const socket = this.client && this.client.transport && this.client.transport.socket;
    if (session && socket && socket.readyState === WebSocket.OPEN) {
      const jingle = { action: 'session-terminate', sid: session.sid, reason: { condition: 'success' } };
      const iq = this.client.stanzas.export('iq', { id: XMPP.Utils.uuid(), to: session.peerID, type: 'set', jingle });
      socket.send(iq.toString());
      this.session = null;
      session.end('success', true);
    }
    this.hangUp();
  }

  close() {
    if (!this.client) return;
    this.client.config.autoReconnect = false;
    this.client.disconnect();
  }
}
