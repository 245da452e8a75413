#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// The presenter page's end-to-end figures (run by bench/page_bench.sh inside a private network
// namespace with presentd): Chrome's send-rate ramp-up at 1920x1080 and click-to-first-frame.
// The page is driven through its own controls; an init script only observes: it records each
// RTCPeerConnection and the moment setRemoteDescription is called, and asks the fake capture
// for 1920x1080.
const { launchChromium } = require('../tests/integration/webrtc/browser.js');

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}
const box = option('box');
const pin = option('pin');
const runs = Number(option('runs', '10'));

function observe() {
  window.benchPcs = [];
  const Original = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      window.benchPcs.push(this);
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') window.benchConnectedAt = performance.now();
      });
    }
    setRemoteDescription(...args) {
      window.benchAnsweredAt = performance.now();
      return super.setRemoteDescription(...args);
    }
  };
  const getDisplayMedia = navigator.mediaDevices.getDisplayMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getDisplayMedia = (constraints) => getDisplayMedia({
    ...constraints, video: { width: 1920, height: 1080, frameRate: 30 } });
}

async function openPage(browser) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  await context.addInitScript(observe);
  const page = await context.newPage();
  page.setDefaultTimeout(60000);
  for (let attempt = 1; ; ++attempt) {
    try {
      await page.goto(`${box}/`);
      break;
    } catch (error) {
      if (attempt >= 50) throw error;
      await page.waitForTimeout(200); // presentd still starting, or the network settling
    }
  }
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

async function share(page) {
  await page.getByLabel('PIN').fill(pin);
  await page.getByRole('button', { name: 'Share screen' }).click();
}

// Polls the status API from the page as fast as it answers until a frame is decoded. A run that
// shows no frame within 30 s fails the bench with what the page and the box said, never hangs.
async function firstFrame(page) {
  const result = await page.evaluate(async () => {
    const start = performance.now();
    for (;;) {
      const status = await (await fetch('/api/v1/status', { cache: 'no-store' })).json();
      const decoded = (status.sessions.sessions || []).some((s) => (s.video || []).some((v) => v.frames_decoded > 0));
      if (decoded && window.benchAnsweredAt) {
        return { answered: window.benchAnsweredAt, connected: window.benchConnectedAt, decoded: performance.now() };
      }
      if (performance.now() - start > 30000) {
        const pc = window.benchPcs[window.benchPcs.length - 1];
        return { error: `no decoded frame within 30 s: page state ${document.body.dataset.state}, connection ` +
          `${pc ? pc.connectionState : 'none'}, box sessions ${JSON.stringify(status.sessions)}` };
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  if (result.error) throw new Error(result.error);
  return result;
}

async function stop(page) {
  await page.getByRole('button', { name: 'Stop' }).click();
  await page.waitForSelector('body[data-state="ended"]');
  await page.evaluate(async () => {
    for (;;) {
      const status = await (await fetch('/api/v1/status', { cache: 'no-store' })).json();
      if ((status.sessions.sessions || []).length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
}

async function rampUp(browser) {
  const page = await openPage(browser);
  await share(page);
  // Sampling starts with the answer, not once the page says "presenting", to see the start.
  await page.waitForFunction(() => window.benchAnsweredAt !== undefined);
  const samples = await page.evaluate(async () => {
    const pc = window.benchPcs[0];
    const out = [];
    let last = null;
    const start = window.benchAnsweredAt;
    while (performance.now() - start < 10000) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const sample = { t: (performance.now() - start) / 1000 };
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'outbound-rtp' && s.kind === 'video' && s.bytesSent > 0) {
          sample.bytes = s.bytesSent;
          sample.width = s.frameWidth;
          sample.height = s.frameHeight;
          sample.encoder = s.encoderImplementation;
        }
        if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
          sample.estimate = s.availableOutgoingBitrate;
        }
      });
      if (last && sample.bytes !== undefined) {
        sample.sent_bps = ((sample.bytes - last.bytes) * 8) / (sample.t - last.t);
      }
      if (sample.bytes !== undefined) last = sample;
      out.push(sample);
    }
    return out;
  });
  await stop(page);
  await page.context().close();
  return samples;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function main() {
  const browser = await launchChromium();
  try {
    const samples = await rampUp(browser);
    console.log('Ramp-up (t = seconds after setRemoteDescription):');
    console.log('t_s\tsent_kbps\testimate_kbps\tresolution');
    for (const s of samples) {
      console.log(`${s.t.toFixed(1)}\t${s.sent_bps ? Math.round(s.sent_bps / 1000) : '-'}\t` +
        `${s.estimate ? Math.round(s.estimate / 1000) : '-'}\t${s.width || '-'}x${s.height || '-'}`);
    }
    const start = samples.find((s) => s.estimate);
    if (!start) throw new Error('Chrome reported no bandwidth estimate');
    const reach = samples.find((s) => s.estimate >= 4e6);
    const at5 = samples.filter((s) => s.t <= 5 && s.estimate).pop();
    console.log(`estimate at start ${Math.round(start.estimate / 1000)} kbit/s; at 5 s ${Math.round(at5.estimate / 1000)}` +
      ` kbit/s (${(at5.estimate / start.estimate).toFixed(1)}x the start); >= 4 Mbit/s at ` +
      `${reach ? `${reach.t.toFixed(1)} s` : 'never within 10 s'}; encoder ${samples[samples.length - 1].encoder}`);

    const results = [];
    for (let run = 0; run < runs; ++run) {
      // The box allows a client address a burst of 10 WHIP requests, then 1 per second; each run
      // spends about five (POST, trickle PATCHes, DELETE). Runs of a few hundred ms would drain
      // the bucket within ten runs and the next POST would get a 429, so runs are paced.
      if (run > 0) await new Promise((resolve) => setTimeout(resolve, 6000));
      const page = await openPage(browser);
      await share(page);
      const t = await firstFrame(page);
      results.push({ total: t.decoded - t.answered, connect: (t.connected || t.decoded) - t.answered });
      await stop(page);
      await page.context().close();
    }
    console.log('Click-to-first-frame (setRemoteDescription -> presentd decoded a frame), ms:');
    console.log(results.map((r) => Math.round(r.total)).join(' '));
    const total = median(results.map((r) => r.total));
    const connect = median(results.map((r) => r.connect));
    console.log(`median ${Math.round(total)} ms over ${runs} runs; of which ICE+DTLS until the page's connection is` +
      ` up ${Math.round(connect)} ms, then ${Math.round(total - connect)} ms to the first decoded frame`);
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(String(error));
  process.exit(1);
});
