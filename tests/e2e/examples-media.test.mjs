// End-to-end: the example stories' own video and audio, as published.
// "Die Neustadt in 3D" / "The Neustadt in 3D" end with a short silent video
// of a flight around the buildings, drawn by our player
// (scripts/example-media-neustadt-video.mjs); "Unterwegs ohne Auto" /
// "Getting around without a car" let readers hear the eight winter weeks as
// tones (scripts/example-media-winter-audio.py), with a transcript. Checks:
// the files come from the story's own folder under content-hashed names,
// the title says what it is, the audio's transcript is linked and tells the
// tones, the files really play (their length), and the page without
// JavaScript has them too. The silent flight starts by itself when its step
// is read (muted, looping, with controls to pause it), never for readers who
// ask for reduced motion, and has captions in the story's language that
// describe what it shows; the audio starts only when asked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startServer, launch, watchConsole, goToStep } from './lib.mjs';

let server;
let browser;

before(async () => {
  server = await startServer(undefined, ['--no-watch']);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/** Loads the media element's data and resolves to its duration in seconds. */
async function duration(locator) {
  return locator.evaluate((m) => new Promise((resolve, reject) => {
    if (m.readyState >= 1 && Number.isFinite(m.duration)) { resolve(m.duration); return; }
    m.addEventListener('loadedmetadata', () => resolve(m.duration), { once: true });
    m.addEventListener('error', () => reject(new Error(`media error ${m.error?.code}`)), { once: true });
    m.preload = 'auto';
    m.load();
  }));
}

for (const [slug, lang, title, cue] of [
  ['neustadt-3d', 'de', /^Einmal rundherum: .*\(ohne Ton\)$/, /^Blick nach Norden, dann nach Osten: /],
  ['neustadt-in-3d', 'en', /^Once around: .*\(no sound\)$/, /^Looking north, then east: /],
]) {
  test(`${slug}: the flight around the Neustadt is a silent video from the story folder, described by captions, that starts when its step is read`, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, reducedMotion: 'no-preference' });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${server.url}${slug}/`);
    await page.waitForSelector('.ts-step');
    const video = page.locator('#rundflug video');
    assert.equal(await video.count(), 1);
    assert.equal(await video.evaluate((v) => v.paused), true, 'not before its step');
    const step = page.locator('.ts-step').nth(await goToStep(page, 'rundflug'));
    const info = await video.evaluate((v) => ({
      controls: v.controls, muted: v.muted, loop: v.loop,
      src: v.getAttribute('src'), poster: v.getAttribute('poster'),
      tracks: [...v.querySelectorAll('track')].map((t) => ({ kind: t.kind, srclang: t.srclang, src: t.getAttribute('src'), default: t.default })),
    }));
    // Controls are the pause the reader needs (WCAG 2.2.2); never with sound.
    assert.deepEqual([info.controls, info.muted], [true, true]);
    // The flight ends where it began: it goes round until the reader stops it.
    assert.equal(info.loop, true);
    assert.match(info.src, new RegExp(`/${slug}/media/flug-neustadt-[0-9a-f]{16}\\.mp4$`));
    assert.match(info.poster, new RegExp(`/${slug}/media/flug-neustadt-[0-9a-f]{16}\\.jpg$`));
    assert.equal(info.tracks.length, 1);
    assert.deepEqual([info.tracks[0].kind, info.tracks[0].srclang, info.tracks[0].default], ['captions', lang, true]);
    assert.match(info.tracks[0].src, new RegExp(`/${slug}/media/flug-neustadt-[0-9a-f]{16}\\.vtt$`));
    assert.match((await step.locator('figure figcaption, .ts-media-title').first().innerText()).trim(), title);
    const seconds = await duration(video);
    assert.ok(seconds > 4 && seconds < 6, `about five seconds (${seconds})`);
    // It starts by itself once its step is read, and runs.
    await page.waitForFunction(() => document.querySelector('#rundflug video').currentTime > 0.5, null, { timeout: 10_000 });
    assert.equal(await video.evaluate((v) => v.mozHasAudio ?? v.webkitAudioDecodedByteCount ?? 0), 0, 'no audio');
    // The captions describe the flight in the story's language, timed to its five seconds.
    const cues = await video.evaluate((v) => new Promise((resolve) => {
      const t = v.textTracks[0];
      t.mode = 'hidden';
      const read = () => (t.cues?.length ? resolve([...t.cues].map((c) => [c.startTime, c.endTime, c.text])) : setTimeout(read, 50));
      read();
    }));
    assert.equal(cues.length, 4);
    assert.match(cues[0][2], cue);
    assert.equal(cues[0][0], 0);
    assert.equal(cues.at(-1)[1], 5);
    // Reading on pauses it.
    await goToStep(page, 'viertel');
    await page.waitForFunction(() => document.querySelector('#rundflug video').paused, null, { timeout: 5_000 });
    assert.deepEqual(problems, [], 'the console stayed clean');
    await context.close();
  });

  test(`${slug}: with reduced motion the flight waits for the reader`, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, reducedMotion: 'reduce' });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${server.url}${slug}/`);
    await page.waitForSelector('.ts-step');
    await goToStep(page, 'rundflug');
    const video = page.locator('#rundflug video');
    await page.waitForTimeout(1000);
    assert.equal(await video.evaluate((v) => v.paused), true, 'reduced motion: no autoplay');
    // Readers start it themselves.
    await video.evaluate((v) => v.play());
    await page.waitForFunction(() => document.querySelector('#rundflug video').currentTime > 0.5, null, { timeout: 10_000 });
    assert.deepEqual(problems, [], 'the console stayed clean');
    await context.close();
  });
}

for (const [slug, title, link, firstTone] of [
  ['unterwegs-ohne-auto', /^Die acht Winterwochen als Töne: .*\(ohne Sprache\) Transkript$/, 'Transkript', /^Ton 1, Woche vom 22\. bis 28\. Januar 2023: 3\.933 Fahrten, 432,6 Hertz\.$/m],
  ['getting-around-without-a-car', /^The eight winter weeks as tones: .*\(no speech\) Transcript$/, 'Transcript', /^Tone 1, the week of 22 to 28 January 2023: 3,933 trips, 432\.6 hertz\.$/m],
]) {
  test(`${slug}: the winter weeks as tones are an audio from the story folder, with a title, a transcript and no autoplay`, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const problems = watchConsole(page);
    // The live layers and tiles of this story do not matter here: as offline.
    await page.route(/^https:\/\/(api\.hamburg\.de|iot\.hamburg\.de|geodienste\.hamburg\.de|sgx\.geodatenzentrum\.de)\//, (route) => route.abort('internetdisconnected'));
    await page.goto(`${server.url}${slug}/`);
    await page.waitForSelector('.ts-step');
    const step = page.locator('.ts-step').nth(await goToStep(page, 'winter'));
    const audio = step.locator('audio');
    assert.equal(await audio.count(), 1);
    const info = await audio.evaluate((a) => ({ controls: a.controls, autoplay: a.autoplay, paused: a.paused, src: a.getAttribute('src') }));
    assert.deepEqual([info.controls, info.autoplay, info.paused], [true, false, true]);
    assert.match(info.src, new RegExp(`/${slug}/media/winter-weeks-[0-9a-f]{16}\\.mp3$`));
    assert.match((await step.locator('figure figcaption, .ts-media-title').first().innerText()).trim(), title);
    // Its transcript, in the story's language, is linked under it and says what each tone stands for.
    const href = await step.getByRole('link', { name: link, exact: true }).getAttribute('href');
    assert.match(href, /^media\/winter-weeks-[0-9a-f]{16}\.txt$/);
    const text = await (await fetch(new URL(href, `${server.url}${slug}/`))).text();
    assert.match(text, firstTone);
    assert.equal(text.match(/^Ton(e)? \d, /gm)?.length, 8, text);
    // Eight tones of 0.65 s after 0.2 s of silence.
    const seconds = await duration(audio);
    assert.ok(Math.abs(seconds - 5.4) < 0.2, `${seconds} s`);
    await page.waitForTimeout(500);
    assert.equal(await audio.evaluate((a) => a.paused), true, 'nothing starts by itself');
    const real = problems.filter((p) => !/api\.hamburg\.de|iot\.hamburg\.de|geodienste\.hamburg\.de|sgx\.geodatenzentrum\.de|ERR_INTERNET_DISCONNECTED/.test(p));
    assert.deepEqual(real, [], 'the console stayed clean');
    await page.close();
  });
}

test('the pages without JavaScript have the video and the audio', async () => {
  const read = async (slug) => (await fetch(`${server.url}${slug}/`)).text();
  const neustadt = await read('neustadt-3d');
  assert.match(neustadt, /<video src="media\/flug-neustadt-[0-9a-f]{16}\.mp4" controls preload="metadata" playsinline poster="media\/flug-neustadt-[0-9a-f]{16}\.jpg" muted loop class="autoplay"><track kind="captions" src="media\/flug-neustadt-[0-9a-f]{16}\.vtt" srclang="de" label="Deutsch" default><\/video>/);
  const unterwegs = await read('unterwegs-ohne-auto');
  assert.match(unterwegs, /<audio src="media\/winter-weeks-[0-9a-f]{16}\.mp3" controls preload="metadata">/);
  // The files are small enough for a phone.
  for (const [f, max] of [['neustadt-3d/media/flug-neustadt.mp4', 1_500_000], ['unterwegs-ohne-auto/media/winter-weeks.mp3', 100_000]]) {
    const size = fs.statSync(path.join(ROOT, 'stories', f)).size;
    assert.ok(size < max, `${f}: ${size} B`);
  }
});
