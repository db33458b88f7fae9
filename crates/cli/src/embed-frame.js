// twinstory embed, the story's half (docs/embed.md; the host's half is
// embed.js). Imported by the story page's boot module only when the page is
// inside a frame, so readers of the story's own page never load it.
//
// The host page's embed.js makes the frame as tall as the story and says,
// on every scroll and resize, which part of the frame the reader sees
// (`view`: its top in frame pixels and the host window's height). Here the
// page then lays out for the host's window instead of the frame's
// (`--ts-wh`), the map is pinned to the seen part as `position: sticky`
// would (`--ts-map-shift`), the player takes its reading line from it
// (`window.twinstoryView`, read by src/embed.rs) and the story's height,
// its steps' positions (for deep links) and the active step go back.
//
// Messages count only from the parent window; the origin of the first
// `hello` is the only one listened to and written to afterwards. Styles
// are set through the CSS object model, which a strict CSP allows.
const root = document.documentElement;
let host = null;
let height = 0;
let shift = 0;
let step = null;
let timer = 0;

function post(msg) {
  msg.twinstory = 'frame';
  window.parent.postMessage(msg, host);
}

let reported = -1;

function reportSize() {
  // Each step's place for a link to it: its top, less how far below the
  // top of the seen part it should land, at the reading line as on the
  // story's own page (the CSS's scroll-margin-top, which counts in the
  // frame's height here): 45 % of the host's window, on a phone (the map
  // in the upper half) just past the map's lower edge.
  const mapHeight = document.querySelector('.ts-map')?.getBoundingClientRect().height ?? 0;
  const margin = height > 0 ? (mapHeight < height * 0.75 ? height / 2 - 4 : height * 0.45) : 0;
  const steps = [...document.querySelectorAll('.ts-step')].map((el) => [el.id, el.getBoundingClientRect().top - margin]);
  reported = Math.ceil(document.body.getBoundingClientRect().height);
  post({ type: 'size', height: reported, steps });
}

// The ResizeObserver's callbacks wait for the frame to be drawn, which
// Chromium holds back while a cross-origin frame is out of view or the
// machine is busy; so the height is also compared twice a second (one
// layout read) and sent when it changed.
function checkSize() {
  if (Math.ceil(document.body.getBoundingClientRect().height) !== reported) reportSize();
}

function reportStep() {
  const id = document.querySelector('.ts-step.is-active')?.id;
  if (id && id !== step) {
    step = id;
    post({ type: 'step', id });
  }
}

function follow(top, h) {
  window.twinstoryView = { top, height: h };
  const resized = h !== height;
  if (resized) {
    height = h;
    root.style.setProperty('--ts-wh', `${Math.round(h)}px`);
    // The map measures its canvas on resize.
    window.dispatchEvent(new Event('resize'));
  }
  const scrolly = document.querySelector('.ts-scrolly')?.getBoundingClientRect();
  const map = document.querySelector('.ts-map')?.getBoundingClientRect();
  if (scrolly && map) {
    // The map's own place in its section, without the shift.
    const natural = map.top - shift - scrolly.top;
    const room = Math.max(0, scrolly.height - map.height - natural);
    const y = Math.round(Math.min(room, Math.max(0, top - scrolly.top - natural)));
    if (y !== shift) {
      shift = y;
      root.style.setProperty('--ts-map-shift', `${y}px`);
    }
  }
  // The player's step watcher listens for scrolling, which the frame
  // itself never does.
  window.dispatchEvent(new Event('scroll'));
  clearTimeout(timer);
  timer = setTimeout(reportStep, 40);
  // At once: the ResizeObserver waits for the frame to be drawn, which
  // Chromium holds back while a cross-origin frame is out of view.
  if (resized && host !== null) reportSize();
}

// A host page without embed.js (a CMS that strips scripts from what an
// editor pastes): no `hello` comes, and the frame keeps the size the page
// gave it (300 × 150 pixels by default) and, with the snippet's
// scrolling="no", cannot scroll. After 3 s without one, a link at the top
// opens the story in a window of its own; a `hello` removes it.
let alone = null;
const waiting = setTimeout(() => {
  if (host !== null || !document.body) return;
  alone = document.createElement('a');
  alone.className = 'ts-frame-open';
  // The story's page; when clicked, at the step the reader has reached.
  alone.href = location.href.split('#')[0];
  alone.addEventListener('click', () => { alone.href = location.href; });
  alone.target = '_blank';
  alone.rel = 'noopener';
  alone.textContent = /^de\b/i.test(root.lang || 'de')
    ? 'Geschichte in einem eigenen Fenster öffnen ↗'
    : 'Open the story in a window of its own ↗';
  document.body.append(alone);
}, 3000);

window.addEventListener('message', (e) => {
  const d = e.data;
  if (e.source !== window.parent || !d || d.twinstory !== 'host') return;
  const view = Number.isFinite(d.top) && Number.isFinite(d.height) && d.height >= 1;
  if (host === null && d.type === 'hello' && e.origin !== 'null') {
    host = e.origin;
    clearTimeout(waiting);
    alone?.remove();
    root.classList.add('ts-embed');
    if (view) follow(d.top, d.height);
    // The story arriving, images loading, a narrower column: a new height.
    new ResizeObserver(reportSize).observe(document.body);
    setInterval(checkSize, 500);
    reportSize();
  } else if (e.origin === host && d.type === 'hello') {
    reportSize();
  } else if (e.origin === host && d.type === 'view' && view) {
    follow(d.top, d.height);
  }
});
