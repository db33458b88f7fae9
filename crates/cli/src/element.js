// twinstory element: the <twin-story src="…"> custom element of
// `twinstory embed --element` (docs/embed.md). `twinstory build` writes this
// module into every story folder under this stable name, with the
// content-hashed names of the folder's player files filled in.
//
// The story plays in the host page's own DOM, inside the element's shadow
// root: the player's stylesheet (a <link>, which `style-src` allows for its
// origin) applies only there, and the host's rules do not reach in. The
// player finds its root through `window.twinstoryMount` when it starts
// (src/platform.rs); every element gets a player instance of its own (a
// module instance of the glue of its own), so several elements can be on
// one page. No inline script or style and no `eval`: this works under a
// strict Content-Security-Policy that names the story's origin.
const FILES = {
  js: '{{js}}',
  wasm: '{{wasm}}',
  css: '{{css}}',
  // The story's @font-face rules (its theme's font files), or empty.
  fonts: '{{fonts_css}}',
  'twinstory-author-js': '{{author_js}}',
  'twinstory-author-wasm': '{{author_wasm}}',
  'twinstory-sources-js': '{{sources_js}}',
  'twinstory-sources-wasm': '{{sources_wasm}}',
  'twinstory-play-js': '{{play_js}}',
  'twinstory-play-wasm': '{{play_wasm}}',
  'twinstory-basemap-js': '{{basemap_js}}',
  'twinstory-basemap-wasm': '{{basemap_wasm}}',
};
const at = (name) => (name ? new URL(name, import.meta.url).href : '');
let players = 0;
// One start at a time on the whole page, across the modules of all story
// folders on it (each story's element.js is a module of its own): a player
// takes `twinstoryMount` as it starts, and two starting at once took each
// other's root (the other one then looked for story.json beside the host
// page).
const STARTS = Symbol.for('twinstory.starts');
window[STARTS] = window[STARTS] || { last: Promise.resolve() };

// What covers the window's edges on the host page, a sticky header or a
// cookie banner, as the page's `scroll-padding` on <html> says (the CSS
// property for it, which also keeps the page's own #anchors clear of them;
// docs/embed.md), at most half the window together. The map then stays in
// the rest (`--ts-top`, `--ts-bottom` on each element's root) and the
// player's reading line is in its middle (`window.twinstoryView`, read by
// src/embed.rs, as in a frame).
function edges() {
  const cs = getComputedStyle(document.documentElement);
  const h = window.innerHeight;
  const px = (v) => {
    const n = parseFloat(v);
    if (!Number.isFinite(n) || n <= 0) return 0;
    return /%$/.test(String(v).trim()) ? (n * h) / 100 : n;
  };
  const top = px(cs.scrollPaddingTop);
  const bottom = px(cs.scrollPaddingBottom);
  const k = top + bottom > h / 2 ? h / 2 / (top + bottom) : 1;
  return { top: top * k, bottom: bottom * k };
}
const roots = new Set();
// Read once per resize (the page's media queries may change them), not on
// every scroll, where the player asks for its reading line.
let seen = edges();
function placeAll() {
  const e = (seen = edges());
  for (const r of roots) {
    r.classList.toggle('has-edges', e.top + e.bottom > 0);
    r.style.setProperty('--ts-top', `${e.top}px`);
    r.style.setProperty('--ts-bottom', `${e.bottom}px`);
  }
}
window.addEventListener('resize', placeAll);
const EDGES = Symbol.for('twinstory.edges');
if (!window[EDGES]) {
  window[EDGES] = true;
  Object.defineProperty(window, 'twinstoryView', {
    configurable: true,
    get() {
      const e = seen;
      return e.top + e.bottom > 0 ? { top: e.top, height: window.innerHeight - e.top - e.bottom } : undefined;
    },
  });
}

/** Plays this folder's story in `host`, a <twin-story> element. */
export function mount(host) {
  const shadow = host.shadowRoot || host.attachShadow({ mode: 'open' });
  // Browsers take @font-face rules from the document, not from a shadow
  // root: the story's font faces (nothing else) go into the host's <head>.
  if (FILES.fonts && !document.querySelector(`link[href="${at(FILES.fonts)}"]`)) {
    const faces = document.createElement('link');
    faces.rel = 'stylesheet';
    faces.href = at(FILES.fonts);
    document.head.append(faces);
  }
  // A section: the story's <footer> is then its own, not the host page's
  // contentinfo landmark.
  const root = document.createElement('section');
  root.className = 'ts-element';
  roots.add(root);
  placeAll();
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = at(FILES.css);
  // The player starts once the stylesheet applies: it measures the layout
  // when it starts (the map's size, a #step of the address to scroll to),
  // and unstyled content has another one.
  const styled = new Promise((resolve) => {
    link.addEventListener('load', resolve, { once: true });
    link.addEventListener('error', resolve, { once: true });
  });
  root.append(link);
  // What the player reads from <meta> tags on the story's own page.
  const meta = (name, content) => {
    const m = document.createElement('meta');
    m.name = name;
    m.content = content;
    root.append(m);
  };
  meta('twinstory-story', at('story.json'));
  for (const name of Object.keys(FILES).filter((n) => n.startsWith('twinstory-'))) meta(name, at(FILES[name]));
  shadow.replaceChildren(root);
  // The host document does not look into the shadow root for a #fragment:
  // the skip link and #step links in the text go to their target here.
  shadow.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a[href^="#"]');
    if (!a || e.defaultPrevented) return;
    let id = a.getAttribute('href').slice(1);
    try { id = decodeURIComponent(id); } catch (_) { /* as written */ }
    const to = shadow.getElementById(id);
    if (!to) return;
    e.preventDefault();
    // At the reading line (the stylesheet's scroll margin of a target step).
    to.classList.add('is-target');
    to.scrollIntoView();
    to.classList.remove('is-target');
    if (!to.hasAttribute('tabindex')) to.setAttribute('tabindex', '-1');
    to.focus({ preventScroll: true });
  });
  const n = players++;
  const glue = at(FILES.js) + (n ? `?player=${n}` : '');
  const starts = window[STARTS];
  const starting = starts.last
    .then(() => styled)
    .then(() => import(glue))
    .then((m) => {
      window.twinstoryMount = root;
      return m.default({ module_or_path: at(FILES.wasm) });
    })
    .catch((e) => {
      delete window.twinstoryMount;
      const p = document.createElement('p');
      p.className = 'ts-error';
      p.setAttribute('role', 'alert');
      p.textContent = /^de\b/i.test(document.documentElement.lang || 'de')
        ? 'Die Geschichte konnte nicht geladen werden.'
        : 'The story could not be loaded.';
      // The snippet's link to the story (the element's own content, which
      // the shadow root hides while the story plays) beside the message.
      p.append(' ', document.createElement('slot'));
      root.append(p);
      console.error(`twinstory: the story ${at('story.json')} could not be started: ${e}`);
    });
  starts.last = starting;
  return starting;
}

/** The story folder named by `src` (its address with or without `/` or `index.html`). */
function folder(src) {
  const u = new URL(src, document.baseURI);
  u.hash = '';
  u.search = '';
  u.pathname = u.pathname.replace(/\/index\.html$/, '/').replace(/([^/])$/, '$1/');
  return u;
}

if (!customElements.get('twin-story')) {
  // Defined by the first story's module on the page; each element then
  // loads the module of its own story's folder.
  customElements.define('twin-story', class extends HTMLElement {
    connectedCallback() {
      if (this.twinstory) return;
      this.twinstory = true;
      let url;
      try { url = new URL('element.js', folder(this.getAttribute('src') || '')).href; } catch (_) { return; }
      const start = url === import.meta.url ? Promise.resolve({ mount }) : import(url);
      start.then((m) => m.mount(this)).catch((e) => console.error(`twinstory: ${url} could not be loaded: ${e}`));
    }
  });
}
