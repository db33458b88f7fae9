/* twinstory embed: the host page's half of `twinstory embed` (docs/embed.md).
   For every <iframe data-twinstory> on the page: makes the frame as tall as
   the story (no scroll box), tells the story which part of the frame the
   reader sees (so its map stays in view and its steps follow the page's
   scrolling), opens the step named in the page's #fragment and keeps that
   fragment on the active step. Messages go only to the frame's origin and
   are taken only from that frame at that origin. Styles are set through
   the CSS object model, which a strict Content-Security-Policy allows. */
(function () {
  "use strict";
  var seen = typeof WeakSet === "function" ? new WeakSet() : null;

  // What covers the window's edges on this page, a sticky header or a
  // cookie banner, as the page's `scroll-padding` on <html> says (the CSS
  // property for it, which also keeps the page's own #anchors clear of
  // them; docs/embed.md): the story sees only the rest of the window. At
  // most half the window together, so the map keeps room.
  // Read once per resize (the page's media queries may change them), not
  // on every scroll.
  var covered = null;
  window.addEventListener("resize", function () { covered = null; });
  function edges() {
    return covered || (covered = measureEdges());
  }
  function measureEdges() {
    var cs = window.getComputedStyle(document.documentElement);
    var h = window.innerHeight;
    function px(v) {
      var n = parseFloat(v);
      if (!isFinite(n) || n <= 0) return 0;
      return /%$/.test(String(v).trim()) ? n * h / 100 : n;
    }
    var top = px(cs.scrollPaddingTop), bottom = px(cs.scrollPaddingBottom);
    var k = top + bottom > h / 2 ? h / 2 / (top + bottom) : 1;
    return { top: top * k, bottom: bottom * k };
  }

  function fragment() {
    var h = location.hash.slice(1);
    try { return decodeURIComponent(h); } catch (e) { return h; }
  }

  function setup(frame) {
    if (!seen || seen.has(frame)) return;
    seen.add(frame);
    var origin;
    try { origin = new URL(frame.src, location.href).origin; } catch (e) { return; }
    if (origin === "null") return;
    var s = frame.style;
    s.setProperty("display", "block");
    s.setProperty("width", "100%");
    s.setProperty("border", "0");
    s.setProperty("overflow", "hidden");
    s.setProperty("height", window.innerHeight + "px");
    var ready = false, steps = [], linked = false, queued = false;

    // Until the frame has left its first empty document (which has this
    // page's origin), a message to the story's origin could not arrive and
    // the browser would warn in the page's console: wait for the story.
    function empty() {
      try {
        var d = frame.contentDocument;
        return !!d && d.location.href === "about:blank";
      } catch (e) { return false; }
    }
    function send(msg) {
      msg.twinstory = "host";
      if (frame.contentWindow && !empty()) frame.contentWindow.postMessage(msg, origin);
    }
    function view() {
      queued = false;
      var r = frame.getBoundingClientRect(), e = edges();
      send({ type: "view", top: e.top - r.top, height: window.innerHeight - e.top - e.bottom });
    }
    function queue() {
      if (ready && !queued) { queued = true; window.requestAnimationFrame(view); }
    }
    function isStep(id) {
      for (var i = 0; i < steps.length; i++) if (steps[i][0] === id) return steps[i];
      return null;
    }
    // Opens the step named in the page's fragment, once the story knows it.
    function deepLink() {
      if (linked || !steps.length) return;
      linked = true;
      var step = isStep(fragment());
      if (step) {
        var top = frame.getBoundingClientRect().top + window.pageYOffset + step[1] - edges().top;
        window.scrollTo(window.pageXOffset, Math.max(0, Math.round(top)));
      }
    }
    // The story loads its player after the frame's load event; say hello
    // until it answers (at most a minute).
    var tries = 0;
    var hello = window.setInterval(function () {
      if (ready || ++tries > 240) { window.clearInterval(hello); return; }
      sayHello();
    }, 250);
    // With the reader's window, so that the story lays out for it at once.
    function sayHello() {
      var r = frame.getBoundingClientRect(), e = edges();
      send({ type: "hello", top: e.top - r.top, height: window.innerHeight - e.top - e.bottom });
    }
    frame.addEventListener("load", sayHello);

    window.addEventListener("message", function (e) {
      if (e.source !== frame.contentWindow || e.origin !== origin) return;
      var d = e.data;
      if (!d || d.twinstory !== "frame") return;
      if (d.type === "size" && typeof d.height === "number" && isFinite(d.height)) {
        ready = true;
        s.setProperty("height", Math.max(1, Math.ceil(d.height)) + "px");
        if (Array.isArray(d.steps)) steps = d.steps.filter(function (p) {
          return Array.isArray(p) && typeof p[0] === "string" && typeof p[1] === "number";
        });
        deepLink();
        queue();
      } else if (d.type === "step" && typeof d.id === "string" && linked) {
        // The fragment follows the reader, unless the page uses it
        // otherwise; not for the first step, which is active as soon as
        // the story starts, wherever the reader is on the page (a reload
        // would then open the page at the story).
        var now = fragment();
        var first = steps.length && steps[0][0] === d.id;
        if ((now === "" ? !first : isStep(now)) && now !== d.id && window.history.replaceState) {
          window.history.replaceState(window.history.state, "", "#" + encodeURIComponent(d.id));
        }
      }
    });
    window.addEventListener("scroll", queue, { passive: true });
    window.addEventListener("resize", queue);
    window.addEventListener("hashchange", function () { linked = false; deepLink(); });
  }

  function all() {
    var list = document.querySelectorAll("iframe[data-twinstory]");
    for (var i = 0; i < list.length; i++) setup(list[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all);
  else all();
})();
