// The view picker of `twinstory serve`'s preview (never in a published
// build): shows the active step and the view the map shows, copies it as
// YAML, and writes it into story.md when asked. The view is computed by
// the server from the canvas' `data-camera` (crates/cli/src/picker.rs).
(() => {
  const me = document.currentScript;
  const token = me ? me.dataset.token : "";
  const lang = (document.documentElement.lang || "de").toLowerCase();
  const words = __WORDS__[lang.startsWith("de") ? "de" : "en"];
  const css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = "/_twinstory/picker.css";
  document.head.append(css);

  const el = (tag, attrs = {}, text = "") => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text) e.textContent = text;
    return e;
  };
  const panel = el("section", { id: "ts-picker", "aria-labelledby": "ts-picker-title" });
  const head = el("div", { class: "ts-picker-head" });
  const title = el("h2", { id: "ts-picker-title" }, words.title);
  const toggle = el("button", { type: "button", "aria-expanded": "true", "aria-controls": "ts-picker-body" }, words.hide);
  head.append(title, toggle);
  const body = el("div", { id: "ts-picker-body" });
  const step = el("p", { class: "ts-picker-step" });
  const form = el("fieldset", { class: "ts-picker-form" });
  form.append(el("legend", {}, words.form));
  for (const [value, label] of [["center", words.formCenter], ["fit", words.formFit]]) {
    const id = `ts-picker-form-${value}`;
    const input = el("input", { type: "radio", name: "ts-picker-form", id, value });
    if (value === "center") input.checked = true;
    input.addEventListener("change", () => render());
    form.append(input, el("label", { for: id }, label));
  }
  const yaml = el("code", { id: "ts-picker-yaml" });
  const pre = el("pre", { "aria-label": words.yaml });
  pre.append(yaml);
  const hint = el("p", { class: "ts-picker-hint" }, words.hint);
  const copy = el("button", { type: "button", id: "ts-picker-copy" }, words.copy);
  const write = el("button", { type: "button", id: "ts-picker-write" }, words.write);
  const buttons = el("div", { class: "ts-picker-buttons" });
  buttons.append(copy, write);
  const status = el("p", { id: "ts-picker-status", role: "status" });
  body.append(step, form, pre, buttons, status, hint);
  panel.append(head, body);

  const setOpen = (open) => {
    body.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open ? words.hide : words.show;
    panel.classList.toggle("is-closed", !open);
    sessionStorage.setItem("ts-picker-closed", open ? "" : "1");
  };
  toggle.addEventListener("click", () => setOpen(body.hidden));
  // Open unless the author closed it; on a narrow window it starts closed
  // (it would cover much of the map and the text).
  const closed = sessionStorage.getItem("ts-picker-closed");
  setOpen(closed === null ? innerWidth > 720 : !closed);
  const said = sessionStorage.getItem("ts-picker-said");
  if (said) {
    status.textContent = said;
    sessionStorage.removeItem("ts-picker-said");
  }

  const canvas = () => document.querySelector(".ts-canvas");
  const selected = () => (form.querySelector("input:checked") || {}).value || "center";
  // The free part of the map beside the text, as the player measures it
  // (src/map_view.rs, `frame_by` and `padding_for`): top, right, bottom, left.
  const padding = (rect, i) => {
    const margin = 32;
    const [w, h] = [rect.width, rect.height];
    if (h < innerHeight * 0.8) return [16, 16, 16, 16];
    const card = document.querySelector(`.ts-step[data-step="${i}"] .ts-card`);
    if (!card) return [margin, margin, margin, margin];
    const r = card.getBoundingClientRect();
    if (r.width < w * 0.6) {
      const left = r.left - rect.left;
      const right = rect.left + w - r.right;
      const side = (gap) => Math.min(Math.max(w - gap + margin, margin), w * 0.6);
      return [margin, right < left * 0.5 ? side(left) : margin, margin, left < right * 0.5 ? side(right) : margin];
    }
    return [margin * 0.5, 16, h * 0.5, 16];
  };
  const report = () => {
    const c = canvas();
    const i = c && c.dataset.activeStep;
    if (!c || !c.dataset.camera || !i) return null;
    const rect = c.getBoundingClientRect();
    const pad = padding(rect, i).map((x) => x.toFixed(2));
    const size = `${rect.width.toFixed(2)},${rect.height.toFixed(2)}`;
    const narrow = rect.width <= 720 ? 1 : 0;
    return { i, query: `cam=${c.dataset.camera}&size=${size}&pad=${pad.join(",")}&narrow=${narrow}` };
  };

  let current = null;
  let busy = false;
  let again = false;
  let last = "";
  const render = () => {
    if (!current) return;
    const section = document.querySelector(`.ts-step[data-step="${current.i}"]`);
    const heading = section ? section.querySelector("h2") : null;
    const n = Number(current.i) + 1;
    const total = document.querySelectorAll(".ts-step").length;
    step.textContent = `${words.step} ${n}/${total}: ${heading ? heading.textContent : ""}${section ? ` (#${section.id})` : ""}`;
    yaml.textContent = current.answer[selected() === "fit" ? "fit" : "view"];
  };
  const refresh = async () => {
    if (busy) { again = true; return; }
    const r = report();
    if (!r || r.query === last) return;
    last = r.query;
    busy = true;
    try {
      const res = await fetch(`/_twinstory/picker/view?${r.query}`);
      if (res.ok) {
        current = { i: r.i, query: r.query, answer: await res.json() };
        render();
      }
    } catch (e) {
      // The server restarts or the page unloads; the next change asks again.
    }
    busy = false;
    if (again) { again = false; refresh(); }
  };

  copy.addEventListener("click", async () => {
    if (!current) return;
    try {
      await navigator.clipboard.writeText(yaml.textContent);
      status.textContent = `${words.copied} ${yaml.textContent}`;
    } catch (e) {
      status.textContent = `${words.copyFailed} ${yaml.textContent}`;
    }
  });
  write.addEventListener("click", async () => {
    if (!current) return;
    const section = document.querySelector(`.ts-step[data-step="${current.i}"]`);
    if (!section) return;
    const q = `page=${encodeURIComponent(location.pathname)}&step=${current.i}&id=${encodeURIComponent(section.id)}` +
      `&form=${selected()}&${current.query}`;
    write.disabled = true;
    try {
      const res = await fetch(`/_twinstory/picker/write?${q}`, { method: "POST", headers: { "X-Twinstory-Token": token } });
      const answer = await res.json().catch(() => ({ error: res.statusText }));
      if (res.ok) {
        const text = `${words.written} ${answer.line}`;
        status.textContent = text;
        // The reload after the rebuild opens at this step and says what was written.
        sessionStorage.setItem("ts-picker-said", text);
        history.replaceState(null, "", `#${section.id}`);
      } else {
        status.textContent = `${words.failed} ${answer.error}`;
      }
    } catch (e) {
      status.textContent = `${words.failed} ${e}`;
    }
    write.disabled = false;
  });

  // The panel shows once the page has a map (not on a site's index page).
  const watch = (c) => {
    document.body.append(panel);
    new MutationObserver(refresh).observe(c, { attributes: true, attributeFilter: ["data-camera", "data-active-step"] });
    addEventListener("resize", refresh);
    refresh();
  };
  const waiting = setInterval(() => {
    const c = canvas();
    if (c) { clearInterval(waiting); watch(c); }
  }, 200);
})();
