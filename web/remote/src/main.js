// SPDX-License-Identifier: Apache-2.0
// The remote page: present to a presentd room from any browser, through the room's XMPP server
// (docs/cloud.md, "Remote page"). Meeting ID, PIN and name; the screen (with tab or system sound),
// camera and microphone; the same clear states as the local page.
import { RoomCall } from './room_call.js';

const $ = (id) => document.getElementById(id);
const ui = {
  form: $('join-form'), meetingId: $('meeting-id'), pin: $('pin'), name: $('name'), withAudio: $('with-audio'),
  account: $('account'), jid: $('jid'), password: $('password'), share: $('share'), controls: $('controls'),
  camera: $('camera'), stop: $('stop'), status: $('status'), preview: $('preview'), title: $('title'),
};

// The box's Jingle reasons (docs/protocol.md, "The session"), in words.
const ENDED = {
  success: 'The presentation ended.',
  busy: 'Another presenter took over the screen, or the room is full.',
  decline: 'The room declined: a moderator removed you or nobody let you in.',
  timeout: 'Nobody approved your request in time, or the connection to the room was lost.',
  'connectivity-error': 'No network path to the room: a firewall may be in the way.',
  'security-error': 'The room refused the PIN.',
  gone: 'The room is shutting down or left the cloud.',
  'general-error': 'The presentation failed.',
  'failed-application': 'The room could not use what this browser sends.',
  'unsupported-applications': 'The room could not use what this browser sends.',
};

let config = null;
let current = null; // { call, streams, senders, presenting }

function show(state, text) {
  document.body.dataset.state = state;
  ui.status.textContent = text;
  const busy = ['connecting', 'offline', 'ringing', 'waiting', 'presenting', 'reconnecting'].includes(state);
  ui.form.hidden = busy;
  ui.controls.hidden = !busy;
  ui.camera.disabled = state !== 'presenting';
  ui.preview.hidden = !busy;
}

// /…/join/123456, ?join=123456 or #123456 open the page for that room.
function meetingIdFromAddress() {
  const match = window.location.pathname.match(/\/join\/([0-9]{6})\/?$/) ||
    window.location.search.match(/[?&]join=([0-9]{6})(&|$)/) || window.location.hash.match(/^#([0-9]{6})$/);
  return match ? match[1] : '';
}

// The page's own directory, also when opened as …/join/<ID>.
function pageRoot() {
  return window.location.pathname.replace(/join\/[0-9]{6}\/?$/, '').replace(/[^/]*$/, '');
}

async function loadConfig() {
  const response = await fetch(`${pageRoot()}config.json`, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  const loaded = await response.json();
  const host = window.location.hostname;
  return {
    websocket: loaded.websocket || `wss://${window.location.host}/xmpp-websocket`,
    room_domain: loaded.room_domain || host,
    guest_domain: loaded.guest_domain || '',
    accounts: Boolean(loaded.accounts) || !loaded.guest_domain,
  };
}

function captureErrorText(error) {
  if (error.name === 'NotAllowedError') return 'Sharing was cancelled or not allowed.';
  if (!navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia || error.name === 'NotSupportedError') {
    return 'This browser cannot share its screen. Try Chrome, Edge, Firefox or Safari on a computer.';
  }
  return `The screen could not be captured (${error.message}).`;
}

function endedText(reason) {
  const text = reason.text ? ` (${reason.text})` : '';
  if (reason.condition === 'security-error' && reason.text) return `${reason.text[0].toUpperCase()}${reason.text.slice(1)}.`;
  if (reason.condition === 'decline' && /locked/.test(reason.text || '')) return 'The room is locked: nobody can start presenting now.';
  return `${ENDED[reason.condition] || ENDED['general-error']}${reason.condition === 'success' ? '' : text}`;
}

function stopTracks(streams) {
  for (const stream of streams) for (const track of stream.getTracks()) track.stop();
}

function finish(state, text) {
  const ending = current;
  current = null;
  if (ending) {
    ending.call.hangUp();
    ending.call.close();
    stopTracks(ending.streams);
  }
  ui.preview.srcObject = null;
  show(state, text);
  ui.share.focus();
}

function roomText(state) {
  if (state === 'offline') return 'The room is offline. Waiting for it to come back…';
  if (state === 'full') return 'The room is full right now. Waiting…';
  return null;
}

async function share(event) {
  event.preventDefault();
  if (current) return;
  const meetingId = ui.meetingId.value.replace(/[\s-]/g, '');
  const pin = ui.pin.value.trim();
  if (!/^[0-9]{6}$/.test(meetingId)) {
    show('error', 'A meeting ID has exactly 6 digits.');
    return ui.meetingId.focus();
  }
  if (pin && !/^[0-9]{4,8}$/.test(pin)) {
    show('error', 'Enter the PIN shown on the room\'s screen (4 to 8 digits).');
    return ui.pin.focus();
  }
  const useAccount = config.accounts && (!config.guest_domain || ui.jid.value.trim());
  if (useAccount && (!ui.jid.value.includes('@') || !ui.password.value)) {
    show('error', 'Enter your address and password.');
    ui.account.open = true;
    return ui.jid.focus();
  }
  show('connecting', 'Connecting…');
  // Capture starts inside the click (browsers require the gesture), the login beside it.
  const wantAudio = ui.withAudio.checked;
  const capture = navigator.mediaDevices.getDisplayMedia({ video: true, audio: wantAudio });
  const mine = { streams: [], presenting: false };
  mine.call = new RoomCall(config, listenerFor(mine));
  current = mine;
  const account = useAccount ? { jid: ui.jid.value.trim(), password: ui.password.value } : null;
  const connected = mine.call.connect(account);
  let screen;
  try {
    [screen] = await Promise.all([capture, connected]);
  } catch (error) {
    capture.then((stream) => stopTracks([stream]), () => {});
    connected.catch(() => {});
    if (current === mine) finish('error', error.name ? captureErrorText(error) : error.message);
    return;
  }
  if (current !== mine) return stopTracks([screen]);
  mine.streams.push(screen);
  ui.preview.srcObject = screen;
  screen.getVideoTracks()[0].addEventListener('ended', () => stop()); // the browser's "Stop sharing"
  mine.pending = { screen, wantAudio, pin, name: ui.name.value.trim() };
  ui.pin.value = '';
  mine.call.watchRoom(meetingId);
  show('connecting', 'Calling the room…');
}

// Rings once the room is online; rings again if it was offline and came back.
async function call(mine) {
  const pending = mine.pending;
  if (!pending || current !== mine) return;
  mine.pending = null;
  show('ringing', 'Calling the room…');
  let proceed;
  try {
    proceed = await mine.call.ring();
  } catch (error) {
    if (current === mine) finish('error', error.message);
    return;
  }
  if (current !== mine) return;
  const senders = mine.call.start(proceed.jid, proceed.sid, pending);
  mine.senders = senders;
  senders.pc.addEventListener('connectionstatechange', () => {
    if (current !== mine) return;
    if (senders.pc.connectionState === 'disconnected') show('reconnecting', 'Reconnecting to the room…');
    if (senders.pc.connectionState === 'connected') showConnected(mine);
  });
}

function showConnected(mine) {
  if (mine.presenting) show('presenting', 'You are presenting.');
  else show('waiting', 'Waiting for the room to put you on the screen (someone may need to approve)…');
}

function listenerFor(mine) {
  return {
    onRoom(state) {
      if (current !== mine) return;
      const text = roomText(state);
      if (mine.pending && state !== 'offline' && state !== 'full') return call(mine);
      if (text && mine.pending) show('offline', text);
    },
    onConnection(state) {
      if (current !== mine || !mine.senders) return;
      if (state === 'reconnecting') show('reconnecting', 'Reconnecting to the server… (the presentation goes on)');
      if (state === 'resumed' || state === 'online') showConnected(mine);
    },
    onAccepted() {
      if (current === mine) showConnected(mine);
    },
    onActive() {
      if (current !== mine) return;
      mine.presenting = true;
      showConnected(mine);
    },
    onEnded(reason) {
      if (current !== mine) return;
      const failed = ['security-error', 'decline', 'failed-application', 'unsupported-applications'];
      finish(failed.includes(reason.condition) ? 'error' : 'ended', endedText(reason));
    },
  };
}

function stop() {
  if (!current) return;
  finish('ended', 'You stopped presenting.');
}

async function addCamera() {
  if (!current || !current.senders) return;
  const mine = current;
  ui.camera.disabled = true;
  let camera;
  try {
    camera = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  } catch (error) {
    ui.camera.disabled = false;
    return show('presenting', `The camera could not be used (${error.message}). You are still presenting.`);
  }
  if (current !== mine) return stopTracks([camera]);
  mine.streams.push(camera);
  await mine.senders.cameraSender.replaceTrack(camera.getVideoTracks()[0] || null);
  // One sound goes out: the microphone replaces the tab sound (mixing needs Web Audio, later).
  const microphone = camera.getAudioTracks()[0];
  if (microphone) await mine.senders.audioSender.replaceTrack(microphone);
  ui.camera.textContent = 'Camera and microphone on';
}

async function init() {
  ui.form.addEventListener('submit', share);
  ui.stop.addEventListener('click', stop);
  ui.camera.addEventListener('click', addCamera);
  window.addEventListener('pagehide', () => current && current.call.leaveNow());
  ui.meetingId.value = meetingIdFromAddress();
  try {
    config = await loadConfig();
  } catch (error) {
    show('error', `The page is not set up (${error.message}). Tell the server's administrator.`);
    ui.share.disabled = true;
    return;
  }
  ui.account.hidden = !config.accounts;
  ui.account.open = config.accounts && !config.guest_domain;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia) {
    show('error', captureErrorText(new Error('no getDisplayMedia')));
    ui.share.disabled = true;
  }
  (ui.meetingId.value ? ui.pin : ui.meetingId).focus();
  document.body.dataset.ready = 'true';
}

init();
