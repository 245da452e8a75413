// SPDX-License-Identifier: Apache-2.0
// The presenter page: PIN and name, share the screen (and optionally camera, microphone and
// tab sound), a preview, clear states, and approving newcomers. docs/protocol.md, "The page".
import { RequestError, WhipSession, fetchCapabilities, join, preferCodecs } from './whip_client.js';

const $ = (id) => document.getElementById(id);
const ui = {
  form: $('join-form'), name: $('name'), pin: $('pin'), pinField: $('pin-field'), withAudio: $('with-audio'),
  share: $('share'), controls: $('controls'), camera: $('camera'), stop: $('stop'), status: $('status'),
  approvals: $('approvals'), preview: $('preview'), meetingForm: $('meeting-form'), meetingId: $('meeting-id'),
  meetingError: $('meeting-error'),
};

const ENDED = {
  stopped: 'You stopped presenting.',
  replaced: 'Another presenter took over the screen.',
  removed: 'A moderator removed your presentation.',
  declined: 'A presenter on screen declined your request.',
  timeout: 'Nobody approved your request in time.',
  room_full: 'The room is full.',
  ice_failed: 'No network path to the display: a firewall or a separate network may be in the way.',
  dtls_failed: 'The secure connection to the display could not be verified.',
  connection_lost: 'The connection to the display was lost.',
  error: 'The presentation failed.',
  ended_at_box: 'The presentation was ended at the display.',
  shutdown: 'The display is shutting down.',
};

let capabilities = { video_codecs: ['vp8', 'h264', 'vp9'], pin_required: true, audio: true };
let current = null; // { session, pc, streams: [], cameraSender, audioSender, ended }

// One place sets what the page shows: the state (for styles and tests) and a sentence for
// everyone, screen readers included (#status is aria-live).
function show(state, text) {
  document.body.dataset.state = state;
  ui.status.textContent = text;
  const busy = state === 'connecting' || state === 'waiting' || state === 'presenting' || state === 'reconnecting';
  ui.form.hidden = busy;
  ui.controls.hidden = !busy;
  ui.camera.disabled = state !== 'presenting';
  ui.preview.hidden = !busy;
  if (!busy) ui.approvals.replaceChildren();
}

function joinErrorText(error) {
  if (error.code === 'wrong_pin') {
    const left = error.body.attempts_left;
    return `Wrong PIN.${Number.isInteger(left) ? ` ${left} attempt${left === 1 ? '' : 's'} left.` : ''}`;
  }
  if (error.code === 'locked_out') {
    return `Too many wrong PINs. Try again in ${error.retryAfter || 60} seconds.`;
  }
  if (error.code === 'room_locked') return 'The room is locked: nobody can start presenting now.';
  if (error.status === 503) return `The display cannot take you now: ${error.message}`;
  return error.message;
}

function captureErrorText(error) {
  if (error.name === 'NotAllowedError') return 'Sharing was cancelled or not allowed.';
  if (error.name === 'NotSupportedError' || !navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia) {
    return 'This browser cannot share its screen. Try Chrome, Edge, Firefox or Safari on a computer.';
  }
  return `The screen could not be captured (${error.message}).`;
}

function stopTracks(streams) {
  for (const stream of streams) for (const track of stream.getTracks()) track.stop();
}

function finish(state, text) {
  if (!current) return show(state, text);
  const ending = current;
  current = null;
  ending.session.closeEvents();
  ending.pc.close();
  stopTracks(ending.streams);
  ui.preview.srcObject = null;
  show(state, text);
  ui.share.focus();
}

async function share(event) {
  event.preventDefault();
  if (current) return;
  const pin = ui.pin.value.trim();
  if (capabilities.pin_required && !/^[0-9]{4,8}$/.test(pin)) {
    show('error', 'Enter the PIN shown on the screen (4 to 8 digits).');
    ui.pin.focus();
    return;
  }
  show('connecting', 'Connecting…');
  // Capture starts inside the click (browsers require a user gesture), the PIN check beside it.
  const wantAudio = ui.withAudio.checked && capabilities.audio;
  const capture = navigator.mediaDevices.getDisplayMedia({ video: true, audio: wantAudio });
  const joined = join(pin, ui.name.value.trim());
  let screen;
  let ticket;
  try {
    [screen, ticket] = await Promise.all([capture, joined]);
  } catch (error) {
    capture.then((stream) => stopTracks([stream]), () => {});
    joined.catch(() => {});
    ui.pin.value = '';
    return show('error', error instanceof RequestError ? joinErrorText(error) : captureErrorText(error));
  }
  await present(screen, ticket);
}

async function present(screen, ticket) {
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  const video = screen.getVideoTracks()[0];
  // Text and fine lines matter more than motion on a shared screen.
  if ('contentHint' in video) video.contentHint = 'detail';
  preferCodecs(pc.addTransceiver(video, { direction: 'sendonly', streams: [screen] }), capabilities.video_codecs);
  // Room for the camera and one sound (tab sound, microphone or both mixed), filled later
  // without a new offer: WHIP has no renegotiation.
  const cameraTransceiver = pc.addTransceiver('video', { direction: 'sendonly' });
  preferCodecs(cameraTransceiver, capabilities.video_codecs);
  const screenAudio = screen.getAudioTracks()[0];
  const audioTransceiver = capabilities.audio
    ? pc.addTransceiver(screenAudio || 'audio', { direction: 'sendonly' }) : null;
  const session = new WhipSession(pc, ticket.whip || capabilities.whip || '/whip', ticket.token);
  current = { session, pc, streams: [screen], cameraSender: cameraTransceiver.sender,
    audioSender: audioTransceiver && audioTransceiver.sender, screenAudio };
  const mine = current;
  ui.preview.srcObject = screen;
  video.addEventListener('ended', () => stop()); // the browser's own "Stop sharing" button
  session.addEventListener('event', (event) => current === mine && onEvent(event.detail));
  session.addEventListener('closed', () => {
    if (current === mine) finish('ended', 'The display ended the presentation.');
  });
  pc.addEventListener('connectionstatechange', () => {
    if (current !== mine) return;
    if (pc.connectionState === 'disconnected') show('reconnecting', 'Reconnecting to the display…');
    if (pc.connectionState === 'failed') finish('ended', ENDED.connection_lost);
  });
  try {
    await session.start();
  } catch (error) {
    if (current === mine) finish('error', error instanceof RequestError ? joinErrorText(error) : error.message);
  }
}

function onEvent({ name, data }) {
  if (name === 'state') return onState(data);
  if (name === 'approval_request') return addApproval(data);
  if (name === 'approval_result') {
    const item = ui.approvals.querySelector(`[data-request="${CSS.escape(data.request_id)}"]`);
    if (item) item.remove();
  }
}

function onState(data) {
  switch (data.state) {
    case 'waiting_for_approval':
      return show('waiting', 'Waiting for a presenter on screen to let you in…');
    case 'connecting':
      return show('connecting', 'Connecting…');
    case 'presenting':
      return show('presenting', 'You are presenting.');
    case 'reconnecting':
      return show('reconnecting', 'Reconnecting to the display…');
    case 'ended':
      return finish('ended', `Presentation ended. ${ENDED[data.reason] || ENDED.error}`);
    default:
      return undefined;
  }
}

function addApproval({ request_id: requestId, name }) {
  if (!current || ui.approvals.querySelector(`[data-request="${CSS.escape(requestId)}"]`)) return;
  const item = document.createElement('div');
  item.className = 'request';
  item.dataset.request = requestId;
  const text = document.createElement('p');
  text.textContent = `${name || 'Someone'} wants to present.`;
  const answer = (accept) => async () => {
    item.querySelectorAll('button').forEach((button) => { button.disabled = true; });
    try {
      await current.session.approve(requestId, accept);
    } catch (error) {
      text.textContent = error.message;
    }
    item.remove();
  };
  const approve = document.createElement('button');
  approve.type = 'button';
  approve.textContent = 'Approve';
  approve.className = 'primary-inline';
  approve.setAttribute('aria-label', `Approve ${name || 'the newcomer'}`);
  approve.addEventListener('click', answer(true));
  const decline = document.createElement('button');
  decline.type = 'button';
  decline.textContent = 'Decline';
  decline.setAttribute('aria-label', `Decline ${name || 'the newcomer'}`);
  decline.addEventListener('click', answer(false));
  item.append(text, approve, decline);
  ui.approvals.append(item);
  approve.focus();
}

async function addCamera() {
  if (!current) return;
  const mine = current;
  ui.camera.disabled = true;
  try {
    const media = await navigator.mediaDevices.getUserMedia({ video: true, audio: capabilities.audio });
    if (current !== mine) return stopTracks([media]);
    mine.streams.push(media);
    await mine.cameraSender.replaceTrack(media.getVideoTracks()[0] || null);
    const microphone = media.getAudioTracks()[0];
    if (microphone && mine.audioSender) await mine.audioSender.replaceTrack(mixed(mine, microphone));
    ui.camera.hidden = true;
    show('presenting', 'You are presenting with your camera and microphone.');
  } catch (error) {
    ui.camera.disabled = false;
    ui.status.textContent = `The camera could not be added (${error.message}).`;
  }
}

// presentd plays one sound per presenter: tab sound and microphone are mixed into it.
function mixed(presentation, microphone) {
  if (!presentation.screenAudio || !window.AudioContext) return microphone;
  const context = new AudioContext();
  const out = context.createMediaStreamDestination();
  for (const track of [presentation.screenAudio, microphone]) {
    context.createMediaStreamSource(new MediaStream([track])).connect(out);
  }
  presentation.audioContext = context;
  return out.stream.getAudioTracks()[0];
}

function stop() {
  if (!current) return;
  const { session } = current;
  // DELETE first, so the box hears "stopped" before the connection closes.
  session.stop();
  finish('ended', `Presentation ended. ${ENDED.stopped}`);
}

function goToMeeting(event) {
  event.preventDefault();
  const digits = ui.meetingId.value.replace(/[\s-]/g, '');
  // 6 digits: a cloud meeting ID, presented to through the remote page (docs/cloud.md).
  if (/^[0-9]{6}$/.test(digits)) {
    if (!capabilities.remote_page) {
      ui.meetingError.textContent = 'This display knows no remote page for 6-digit cloud meeting IDs.';
      ui.meetingId.focus();
      return;
    }
    window.location.assign(`${capabilities.remote_page.replace(/\/?$/, '/')}join/${digits}`);
    return;
  }
  if (!/^[0-9]{10}$/.test(digits)) {
    ui.meetingError.textContent = 'A meeting ID has 10 digits (or 6 for a room in the cloud).';
    ui.meetingId.focus();
    return;
  }
  ui.meetingError.textContent = '';
  window.location.assign(`/join/${digits}`);
}

async function init() {
  ui.form.addEventListener('submit', share);
  ui.stop.addEventListener('click', stop);
  ui.camera.addEventListener('click', addCamera);
  ui.meetingForm.addEventListener('submit', goToMeeting);
  window.addEventListener('pagehide', () => {
    if (current) current.session.stop(true);
  });
  try {
    capabilities = { ...capabilities, ...(await fetchCapabilities()) };
    $('room').textContent = capabilities.room;
    document.title = `${capabilities.room} · presentd`;
    ui.pinField.hidden = !capabilities.pin_required;
    if (!capabilities.audio) ui.withAudio.parentElement.hidden = true;
  } catch {
    show('error', 'The display could not be reached. Check the address and reload.');
    return;
  }
  if (!navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia) {
    show('error', captureErrorText(new Error('no getDisplayMedia')));
    ui.share.disabled = true;
  }
  document.body.dataset.ready = 'true';
}

init();
