#!/usr/bin/env bash
# Load test of a built story behind nginx, on 127.0.0.1 only (not part of the
# test suite; see docs/deploy.md "Measured").
#
# Builds the example stories, precompresses them, starts Debian's nginx with
# the sample configuration in deploy/nginx/ (its own prefix, pid and logs in a
# temporary folder; stopped at the end, also on failure), checks the headers,
# opens the story once in headless Chromium through nginx (screenshot, the
# requests a reader makes on a first and on a repeat visit, from nginx's log),
# and then loads it with wrk:
#   1. first visit: READERS concurrent connections, each fetching the reader's
#      set of URLs (Accept-Encoding: gzip, br);
#   2. repeat visit: only what a browser asks again (the no-cache files, with
#      If-None-Match / If-Modified-Since → 304); hashed files come from the
#      browser cache, 0 requests;
#   3. live data (when scripts/setup.sh has installed pygeoapi): an OGC API
#      items page from pygeoapi alone (LIVE_READERS connections) and through
#      nginx with deploy/nginx/live-data-proxy.conf (READERS connections),
#      counting the requests that reach pygeoapi.
# Prints requests/s, p50/p99 latency, errors (must be 0) and bytes per reader.
#
#   ./scripts/loadtest.sh                       # 1,000 readers, 20 s per phase
#   READERS=200 DURATION=10 ./scripts/loadtest.sh
#   SKIP_BUILD=1 ./scripts/loadtest.sh          # reuse target/release/twinstory and target/player
#   STORY=spielplaetze PORT=8089 THREADS=2 KEEP=1 ./scripts/loadtest.sh
#   LIVE_TEST=0 ./scripts/loadtest.sh           # without the live-data phase
#   (ports PORT, PORT+1 for pygeoapi, PORT+2 for the caching proxy)
#
# Installs nginx, wrk, brotli and the nginx brotli modules with apt-get when
# missing (as root, or with sudo). Results: target/loadtest/ (results.txt,
# screenshot, nginx configuration used).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${PORT:-8089}"
READERS="${READERS:-1000}"
DURATION="${DURATION:-20}"
THREADS="${THREADS:-$(nproc)}"
STORY="${STORY:-spielplaetze}"
RESULTS="$ROOT/target/loadtest"
log() { printf '\033[1;34m[loadtest]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[loadtest] %s\033[0m\n' "$*" >&2; exit 1; }

# Refuse anything but loopback: this script only ever loads this machine.
BASE="http://127.0.0.1:$PORT"
LIVE_PORT=$((PORT + 1))     # pygeoapi
CACHE_PORT=$((PORT + 2))    # nginx's caching proxy in front of it
LIVE_READERS="${LIVE_READERS:-50}"

# --- tools -------------------------------------------------------------------
need=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v wrk >/dev/null || need+=(wrk)
command -v brotli >/dev/null || need+=(brotli)
command -v curl >/dev/null || need+=(curl)
MODS=/usr/lib/nginx/modules
[ -f "$MODS/ngx_http_brotli_filter_module.so" ] || need+=(libnginx-mod-http-brotli-filter)
[ -f "$MODS/ngx_http_brotli_static_module.so" ] || need+=(libnginx-mod-http-brotli-static)
if ((${#need[@]})); then
  log "installing with apt-get: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  # Debian starts an installed nginx on port 80 unless policy-rc.d forbids it;
  # this script never uses that one.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null \
    || log "apt-get could not install all of: ${need[*]} (continuing with what is there)"
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$NGINX" ] || die "nginx is not installed"
command -v wrk >/dev/null || die "wrk is not installed"
BROTLI=0
[ -f "$MODS/ngx_http_brotli_filter_module.so" ] && [ -f "$MODS/ngx_http_brotli_static_module.so" ] && BROTLI=1
[ "$BROTLI" = 1 ] || log "no nginx brotli modules: gzip only"

# --- the build -----------------------------------------------------------------
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -x target/release/twinstory ] || [ ! -f target/player/twinstory_player_bg.wasm ]; then
  log "building the player and the CLI (which embeds it)"
  ./scripts/build-player.sh >&2
  cargo build --release -p twinstory-cli >&2
fi

WORK="$(mktemp -d /tmp/twinstory-loadtest.XXXXXX)"
NGINX_PID=""
UPTIME_PID=""
PYGEOAPI_PID=""
WRK_PID=""
BROWSER_PID=""
cleanup() {
  local rc=$?
  if [ -n "$UPTIME_PID" ]; then kill "$UPTIME_PID" 2>/dev/null || true; fi
  if [ -n "$WRK_PID" ]; then kill "$WRK_PID" 2>/dev/null || true; fi
  if [ -n "$BROWSER_PID" ]; then kill "$BROWSER_PID" 2>/dev/null || true; fi
  if [ -n "$PYGEOAPI_PID" ]; then kill "$PYGEOAPI_PID" 2>/dev/null || true; fi
  if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill -QUIT "$NGINX_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$NGINX_PID" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# nginx's workers run as nobody when started by root: they must read the site.
chmod 755 "$WORK"
SITE="$WORK/site"
log "building the stories into $SITE"
target/release/twinstory build stories --out "$SITE" >&2
[ -f "$SITE/$STORY/index.html" ] || die "the build has no $STORY/index.html"
deploy/precompress.sh "$SITE"
chmod -R a+rX "$SITE"

# --- nginx with the sample configuration --------------------------------------
# Each connection is a reader; nginx needs one fd per connection plus open files.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
FDS="$(ulimit -n)"
[ "$FDS" = unlimited ] || [ "$FDS" -ge $((READERS + 200)) ] \
  || die "ulimit -n is $FDS: too few file descriptors for $READERS connections (raise the hard limit)"
WORKER_CONNECTIONS=$((READERS + 1024))
mkdir -p "$WORK/tmp" "$RESULTS"
{
  if [ "$BROTLI" = 1 ]; then
    echo "load_module $MODS/ngx_http_brotli_filter_module.so;"
    echo "load_module $MODS/ngx_http_brotli_static_module.so;"
  fi
  cat <<EOF
# Generated by scripts/loadtest.sh: the sample's rules (deploy/nginx/*.conf)
# with a loopback listener and a temporary prefix instead of TLS and /srv.
daemon off;
worker_processes auto;
worker_rlimit_nofile $((WORKER_CONNECTIONS * 2));
pid $WORK/nginx.pid;
error_log $WORK/error.log warn;
events {
    worker_connections $WORKER_CONNECTIONS;
}
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format reader '\$status \$bytes_sent \$body_bytes_sent "\$request_uri" "\$sent_http_content_encoding" "\$http_if_none_match"';
    access_log $WORK/access.log reader buffer=256k flush=1s;
    client_body_temp_path $WORK/tmp/body;
    proxy_temp_path $WORK/tmp/proxy;
    fastcgi_temp_path $WORK/tmp/fastcgi;
    uwsgi_temp_path $WORK/tmp/uwsgi;
    scgi_temp_path $WORK/tmp/scgi;
    include $ROOT/deploy/nginx/twinstory-http.conf;
EOF
  [ "$BROTLI" = 1 ] && echo "    include $ROOT/deploy/nginx/twinstory-brotli.conf;"
  cat <<EOF
    server {
        listen 127.0.0.1:$PORT;
        root $SITE;
        include $ROOT/deploy/nginx/twinstory-site.conf;
    }
    # Live data: the caching proxy of deploy/nginx/live-data-proxy.conf in
    # front of pygeoapi on LIVE_PORT (started below when it is installed).
    proxy_cache_path $WORK/live-cache levels=1:2 keys_zone=twinstory_live:10m max_size=100m inactive=10m use_temp_path=off;
    log_format live '\$upstream_cache_status \$status';
    server {
        listen 127.0.0.1:$CACHE_PORT;
        access_log $WORK/live.log live buffer=256k flush=1s;
        location / {
            proxy_pass http://127.0.0.1:$LIVE_PORT;
            include $ROOT/deploy/nginx/live-data-proxy.conf;
        }
    }
}
EOF
} > "$WORK/nginx.conf"
cp "$WORK/nginx.conf" "$RESULTS/nginx.conf"
"$NGINX" -t -q -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/error.log" 2>&1 | sed 's/^/[nginx -t] /' >&2
if curl -s -o /dev/null "$BASE/"; then die "something already listens on 127.0.0.1:$PORT (PORT=… to choose another)"; fi
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/error.log" &
NGINX_PID=$!
for _ in $(seq 100); do curl -s -o /dev/null "$BASE/" && break; sleep 0.1; done
curl -s -o /dev/null "$BASE/" || { cat "$WORK/error.log" >&2; die "nginx did not start"; }
log "nginx $("$NGINX" -v 2>&1 | sed 's/.*\///') on $BASE (pid $NGINX_PID, worker_connections $WORKER_CONNECTIONS)"

# --- the headers ------------------------------------------------------------------
fails=0
expect() { # expect <what> <header dump> <regex>
  if grep -qiE "$3" <<<"$2"; then :; else log "FAIL: $1 (no header matching /$3/)"; fails=$((fails + 1)); fi
}
hdr() { curl -s -o /dev/null -D - "$@" | tr -d '\r'; }
S="/$STORY"
wasms=("$SITE$S"/twinstory_player_bg-*.wasm)
WASM_PATH="${wasms[0]##*/}"
CSP="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
h=$(hdr -H 'Accept-Encoding: gzip, br' "$BASE$S/")
expect "index.html is 200" "$h" '^HTTP/1.1 200'
expect "index.html revalidates" "$h" '^cache-control: no-cache$'
expect "index.html has an ETag" "$h" '^etag: '
expect "the CSP" "$h" "^content-security-policy: $(sed 's/[.*+?()|]/\\&/g' <<<"$CSP")\$" # regex-escaped
expect "nosniff" "$h" '^x-content-type-options: nosniff$'
expect "Referrer-Policy" "$h" '^referrer-policy: strict-origin-when-cross-origin$'
[ "$BROTLI" = 1 ] && expect "index.html in brotli" "$h" '^content-encoding: br'
etag=$(grep -i '^etag:' <<<"$h" | sed 's/^[^:]*: *//; s/\r$//')
h=$(hdr -H 'Accept-Encoding: gzip, br' -H "If-None-Match: $etag" "$BASE$S/")
expect "index.html answers 304 to its ETag" "$h" '^HTTP/1.1 304'
h=$(hdr -H 'Accept-Encoding: gzip' "$BASE$S/$WASM_PATH")
expect "wasm type" "$h" '^content-type: application/wasm$'
expect "wasm cached for a year" "$h" '^cache-control: public, max-age=31536000, immutable$'
expect "wasm in gzip" "$h" '^content-encoding: gzip'
h=$(hdr -H 'Accept-Encoding: gzip, br' "$BASE$S/story.json")
expect "story.json revalidates" "$h" '^cache-control: no-cache$'
expect "story.json compressed" "$h" '^content-encoding: (br|gzip)'
tsps=("$SITE$S"/data/*.tsp)
tsp="data/${tsps[0]##*/}"
h=$(hdr -H 'Accept-Encoding: gzip, br' "$BASE$S/$tsp")
expect "packed layer cached for a year" "$h" '^cache-control: public, max-age=31536000, immutable$'
h=$(hdr -H 'Accept-Encoding: gzip, br' "$BASE$S/missing-file")
expect "a missing file is 404" "$h" '^HTTP/1.1 404'
[ "$fails" = 0 ] || die "$fails header checks failed"
log "headers: Cache-Control by name, CSP, nosniff, Referrer-Policy, wasm type, gzip/brotli, 304 — all as configured"

# --- a real browser through nginx ---------------------------------------------------
# The reader's URLs come from what Chromium requests (first visit: every
# same-origin request; repeat visit: what reaches nginx again), read from
# nginx's access log. Without Chromium/playwright-core they are derived from
# the build's files instead.
PW="$ROOT/tests/e2e/node_modules/playwright-core"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
: > "$WORK/first.urls"; : > "$WORK/repeat.urls"
mark_log() { sleep 1.5; wc -l < "$WORK/access.log" 2>/dev/null || echo 0; }
if [ -d "$PW" ] && [ -x "$CHROMIUM" ]; then
  cat > "$WORK/browse.cjs" <<'EOF'
// Opens the story twice in one browser context (first visit, then a repeat
// visit with the HTTP cache warm), waits until the map has drawn the first
// step, takes a screenshot and reports problems (CSP violations apart).
const { chromium } = require(process.env.PW);
const fs = require('fs');
const [url, shot, mode] = process.argv.slice(2);
(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: mode === 'bypass' });
  const page = await ctx.newPage();
  const out = { problems: [], csp: [], ready: [], encodings: {} };
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`));
  });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') out.problems.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => out.problems.push(`pageerror: ${e.message}`));
  page.on('response', (r) => { const e = r.headers()['content-encoding']; if (e) out.encodings[new URL(r.url()).pathname] = e; });
  for (const visit of ['first', 'repeat']) {
    await page.goto(url, { waitUntil: 'load' });
    let ready = true;
    try {
      await page.waitForFunction(() => {
        const c = document.querySelector('.ts-canvas');
        return c && c.dataset.loading === '0' && c.dataset.activeStep === '0';
      }, null, { timeout: 30000 });
      await page.waitForTimeout(1500);
    } catch { ready = false; }
    out.ready.push(ready);
    out.csp.push(...(await page.evaluate(() => window.__csp)));
    if (visit === 'first') await page.screenshot({ path: shot });
    fs.writeFileSync(process.env.MARKS, `${visit}\n`, { flag: 'a' });
    // Let nginx flush its log between the visits.
    await new Promise((r) => setTimeout(r, 2000));
    fs.writeFileSync(process.env.MARKS, `${visit}-done\n`, { flag: 'a' });
    // The script reads the log's length before the repeat visit starts.
    while (visit === 'first' && !fs.readFileSync(process.env.MARKS, 'utf8').includes('go')) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await browser.close();
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
EOF
  browse() { # browse <mode>: records the requests of each visit from the access log
    local mode="$1" before mid after
    before=$(mark_log)
    : > "$WORK/marks"
    # The repeat visit starts when the first one is done: split the log there.
    PW="$PW" CHROMIUM="$CHROMIUM" MARKS="$WORK/marks" node "$WORK/browse.cjs" "$BASE$S/" "$RESULTS/$STORY-$mode.png" "$mode" \
      > "$WORK/browse-$mode.json" &
    BROWSER_PID=$!
    while ! grep -q '^first-done' "$WORK/marks" 2>/dev/null; do
      kill -0 "$BROWSER_PID" 2>/dev/null || break; sleep 0.2
    done
    mid=$(wc -l < "$WORK/access.log")
    echo go >> "$WORK/marks"
    wait "$BROWSER_PID" || die "the browser check failed"
    BROWSER_PID=""
    after=$(mark_log)
    sed -n "$((before + 1)),${mid}p" "$WORK/access.log" > "$WORK/first-$mode.log"
    sed -n "$((mid + 1)),${after}p" "$WORK/access.log" > "$WORK/repeat-$mode.log"
  }
  log "opening $BASE$S/ in headless Chromium with the CSP enforced"
  browse enforce
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1]));
    console.error(`[browser] map ready: first visit ${r.ready[0]}, repeat visit ${r.ready[1]}`);
    for (const c of [...new Set(r.csp)]) console.error(`[browser] CSP violation: ${c}`);
    for (const p of r.problems) console.error(`[browser] ${p}`);
    console.error(`[browser] encodings: ${JSON.stringify(r.encodings)}`);
  ' "$WORK/browse-enforce.json"
  MODE=enforce
  if ! node -e 'process.exit(JSON.parse(require("fs").readFileSync(process.argv[1])).ready[0] ? 0 : 1)' "$WORK/browse-enforce.json"; then
    log "the story did not play with the CSP enforced (see the violations above: the build still needs an inline script or inline styles)."
    log "opening it again with the CSP bypassed, to record the full set of requests a reader makes"
    browse bypass
    node -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1]));
      console.error(`[browser, CSP bypassed] map ready: first visit ${r.ready[0]}, repeat visit ${r.ready[1]}`);
      for (const p of r.problems) console.error(`[browser, CSP bypassed] ${p}`);
      if (!r.ready[0]) process.exit(1);
    ' "$WORK/browse-bypass.json" || die "the story does not play through nginx even without the CSP"
    MODE=bypass
  fi
  log "screenshot: $RESULTS/$STORY-$MODE.png"
  # "<status> <bytes_sent> <body_bytes> "<uri>" ..." → the URIs, in order.
  awk '{ print $4 }' "$WORK/first-$MODE.log" | tr -d '"' > "$WORK/first.urls"
  awk '{ print $4 }' "$WORK/repeat-$MODE.log" | tr -d '"' > "$WORK/repeat.urls"
  awk '{ n++; b += $2 } END { printf "browser first visit: %d requests, %d bytes\n", n, b }' "$WORK/first-$MODE.log" | tee "$WORK/browser-first.txt" >&2
  awk '{ n++; b += $2; s[$1]++ } END { printf "browser repeat visit: %d requests, %d bytes (", n, b; for (k in s) printf "%s×%d ", k, s[k]; print ")" }' "$WORK/repeat-$MODE.log" | tee "$WORK/browser-repeat.txt" >&2
else
  log "no Chromium/playwright-core (./scripts/setup.sh installs them): deriving the reader's URLs from the build"
fi
if [ ! -s "$WORK/first.urls" ]; then
  # index.html, what it links (stylesheet, scripts, wasm, story.json), the
  # snippets the JS glue imports, and the data and images story.json names.
  python3 - "$SITE$S" "$S" > "$WORK/first.urls" <<'EOF'
import json, os, re, sys
d, base = sys.argv[1], sys.argv[2]
html = open(os.path.join(d, "index.html"), encoding="utf-8").read()
urls = ["/"]
for u in re.findall(r'(?:href|src)="([^"#?]+)"', html) + re.findall(r'from "\./([^"]+)"', html):
    u = u.removeprefix("./")
    if ":" not in u and os.path.isfile(os.path.join(d, u)):
        urls.append(u)
for root, _, files in os.walk(os.path.join(d, "snippets")):
    urls += [os.path.relpath(os.path.join(root, f), d) for f in files if f.endswith(".js")]
story = json.load(open(os.path.join(d, "story.json"), encoding="utf-8"))
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            if k in ("url", "src", "image") and isinstance(x, str) and os.path.isfile(os.path.join(d, x)):
                urls.append(x)
            walk(x)
    elif isinstance(v, list):
        for x in v: walk(x)
walk(story)
seen = []
for u in urls:
    p = base + "/" + u.lstrip("/") if u != "/" else base + "/"
    if p not in seen: seen.append(p)
print("\n".join(seen))
EOF
  # A browser asks again only for what is not cached for a year.
  grep -vE -- '-[0-9a-f]{16}\.[^/]+$' "$WORK/first.urls" > "$WORK/repeat.urls" || true
fi
sort -u "$WORK/first.urls" -o "$WORK/first.urls.sorted"
log "a reader's first visit: $(wc -l < "$WORK/first.urls") requests; repeat visit: $(wc -l < "$WORK/repeat.urls")"
sed 's/^/    /' "$WORK/first.urls" >&2

# --- wrk scripts ---------------------------------------------------------------------
# Every first-visit URL must answer 200 (a 3xx would hide a broken link).
# Conditional headers for the repeat visit: what nginx sent with the same
# Accept-Encoding, as a browser would send it back.
AE="gzip, br"
{
  echo "paths = {"
  while read -r u; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Accept-Encoding: $AE" "$BASE$u")
    [ "$code" = 200 ] || die "$u answers $code"
    printf '  { path = "%s" },\n' "$u"
  done < "$WORK/first.urls"
  echo "}"
} > "$WORK/first-paths.lua"
{
  echo "paths = {"
  while read -r u; do
    h=$(hdr -H "Accept-Encoding: $AE" "$BASE$u")
    etag=$(grep -i '^etag:' <<<"$h" | sed 's/^[^:]*: *//; s/\r$//' | sed 's/\\/\\\\/g; s/"/\\"/g')
    lm=$(grep -i '^last-modified:' <<<"$h" | sed 's/^[^:]*: *//; s/\r$//')
    [ -n "$etag" ] || die "$u has no ETag"
    printf '  { path = "%s", inm = "%s", ims = "%s" },\n' "$u" "$etag" "$lm"
  done < "$WORK/repeat.urls"
  echo "}"
} > "$WORK/repeat-paths.lua"
cat > "$WORK/reader.lua" <<'EOF'
-- One connection = one reader. wrk asks each thread for the next request of
-- any of its connections, so the threads cycle through the reader's URLs:
-- the request mix is exactly READERS readers each loading the whole set.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  dofile(args[1])
  expect = tonumber(args[2])
  reqs = {}
  for i, p in ipairs(paths) do
    local h = { ["Accept-Encoding"] = "gzip, br" }
    if p.accept then h["Accept"] = p.accept end
    if p.inm then h["If-None-Match"] = p.inm end
    if p.ims and p.ims ~= "" then h["If-Modified-Since"] = p.ims end
    reqs[i] = wrk.format("GET", p.path, h)
  end
  n = 0
  wrong = 0
  if expect == 304 then
    response = function(status, headers, body)
      if status ~= 304 then wrong = wrong + 1 end
    end
  end
end
function request()
  n = n % #reqs + 1
  return reqs[n]
end
function done(summary, latency, requests)
  local wrong = 0
  for _, t in ipairs(threads) do wrong = wrong + (t:get("wrong") or 0) end
  local e = summary.errors
  local f = io.open(os.getenv("WRK_JSON"), "w")
  f:write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"wrong_status":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.0f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout, wrong,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
  f:close()
end
EOF

run_wrk() { # run_wrk <name> <paths.lua> <expected status> [<base URL> <connections>]
  local name="$1" paths="$2" expect="$3" base="${4:-$BASE}" conns="${5:-$READERS}"
  log "$name: $conns concurrent readers for ${DURATION}s ($THREADS wrk threads) on $base"
  ( sleep $((DURATION / 2)); uptime > "$WORK/uptime-$name" ) &
  UPTIME_PID=$!
  # In the background, so that a signal to this script ends it at once.
  WRK_JSON="$WORK/$name.json" wrk -t"$THREADS" -c"$conns" -d"${DURATION}s" --timeout 10s \
    -s "$WORK/reader.lua" "$base" -- "$paths" "$expect" > "$WORK/$name.wrk" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || { cat "$WORK/$name.wrk" >&2; die "wrk failed"; }
  WRK_PID=""
  wait "$UPTIME_PID" 2>/dev/null || true
  UPTIME_PID=""
}
# A few seconds of rest between the phases, so that one phase's closing
# connections do not count in the next.
run_wrk first "$WORK/first-paths.lua" 200
sleep 3
run_wrk repeat "$WORK/repeat-paths.lua" 304

# --- live data: pygeoapi alone, and behind the caching proxy ----------------------
# The same items page a story with an ogc-api-features layer asks for when it
# opens (the playgrounds of the example story as a collection, 1,000 points).
PYGEOAPI_PY="${TWINSTORY_TOOLS:-$HOME/.local/share/twinstory-tools}/pygeoapi-venv/bin/python"
LIVE=0
if [ "${LIVE_TEST:-1}" = 1 ] && [ -x "$PYGEOAPI_PY" ]; then
  python3 - stories/spielplaetze/data/playgrounds.csv > "$WORK/playgrounds.geojson" <<'EOF'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
print(json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": r["id"], "properties": {"id": r["id"], "name": r["name"]},
     "geometry": {"type": "Point", "coordinates": [float(r["lon"]), float(r["lat"])]}} for r in rows]}))
EOF
  # The test suite's pygeoapi runner, with pygeoapi's own gzip switched on
  # (as a production data server would compress), so that the cache keeps
  # compressed answers.
  sed 's/^  pretty_print: false$/  pretty_print: false\n  gzip: true/' tests/e2e/pygeoapi_server.py > "$WORK/pygeoapi_server.py"
  grep -q '^  gzip: true$' "$WORK/pygeoapi_server.py" || log "could not switch on pygeoapi's gzip: nginx compresses each answer instead"
  "$PYGEOAPI_PY" "$WORK/pygeoapi_server.py" "$LIVE_PORT" playgrounds="$WORK/playgrounds.geojson" > "$WORK/pygeoapi.log" 2>&1 &
  PYGEOAPI_PID=$!
  ITEMS="/collections/playgrounds/items?limit=1000&f=json"
  ACCEPT="application/geo+json, application/json"
  for _ in $(seq 300); do
    curl -s -o /dev/null "http://127.0.0.1:$LIVE_PORT$ITEMS" && break
    kill -0 "$PYGEOAPI_PID" 2>/dev/null || break
    sleep 0.2
  done
  if curl -s -o /dev/null "http://127.0.0.1:$LIVE_PORT$ITEMS"; then
    LIVE=1
  else
    log "pygeoapi did not start (see below); no live-data phase"; tail -5 "$WORK/pygeoapi.log" >&2
  fi
elif [ "${LIVE_TEST:-1}" = 1 ]; then
  log "no pygeoapi in $PYGEOAPI_PY (./scripts/setup.sh installs it): no live-data phase"
fi
if [ "$LIVE" = 1 ]; then
  features=$(curl -s -H "Accept: $ACCEPT" "http://127.0.0.1:$LIVE_PORT$ITEMS" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["features"]))')
  log "pygeoapi on 127.0.0.1:$LIVE_PORT: $ITEMS → $features features; caching proxy on 127.0.0.1:$CACHE_PORT"
  h=$(hdr -H "Accept: $ACCEPT" -H 'Accept-Encoding: gzip, br' "http://127.0.0.1:$CACHE_PORT$ITEMS")
  expect "live: first answer from the data server" "$h" '^x-cache-status: (MISS|EXPIRED)'
  h=$(hdr -H "Accept: $ACCEPT" -H 'Accept-Encoding: gzip, br' "http://127.0.0.1:$CACHE_PORT$ITEMS")
  expect "live: second answer from the cache" "$h" '^x-cache-status: HIT'
  expect "live: CORS" "$h" '^access-control-allow-origin: \*'
  expect "live: Cache-Control" "$h" '^cache-control: public, max-age=10, stale-while-revalidate=30$'
  expect "live: compressed" "$h" '^content-encoding: (br|gzip)'
  [ "$fails" = 0 ] || die "$fails live-data header checks failed"
  printf 'paths = {\n  { path = "%s", accept = "%s" },\n}\n' "$ITEMS" "$ACCEPT" > "$WORK/live-paths.lua"
  sleep 3
  run_wrk live-direct "$WORK/live-paths.lua" 200 "http://127.0.0.1:$LIVE_PORT" "$LIVE_READERS"
  sleep 3
  # What reached pygeoapi: the requests in its log during the phase.
  : > "$WORK/live.log"
  # pygeoapi may still be answering the last phase's queue: wait until its
  # log stands still (at most 30 s) before counting.
  before=$(grep -c '"GET /collections' "$WORK/pygeoapi.log" || true)
  for _ in $(seq 15); do
    sleep 2
    now=$(grep -c '"GET /collections' "$WORK/pygeoapi.log" || true)
    [ "$now" = "$before" ] && break
    before=$now
  done
  run_wrk live-cached "$WORK/live-paths.lua" 200 "http://127.0.0.1:$CACHE_PORT" "$READERS"
  sleep 1
  after=$(grep -c '"GET /collections' "$WORK/pygeoapi.log" || true)
  echo "$((after - before))" > "$WORK/live-upstream"
fi

# --- report ------------------------------------------------------------------------------
rc=0
python3 - "$WORK" "$READERS" "$DURATION" "$(nproc)" "$(wc -l < "$WORK/first.urls")" "$(wc -l < "$WORK/repeat.urls")" \
  "$("$NGINX" -v 2>&1 | sed 's/.*\///')" "$(wrk -v 2>&1 | head -1 | awk '{print $2}')" "$BROTLI" "${MODE:-derived}" \
  > "$RESULTS/results.txt" <<'EOF' || rc=$?
import json, sys, os
work, readers, duration, cores, n_first, n_repeat, nginx, wrkv, brotli, mode = sys.argv[1:]
n_first, n_repeat = int(n_first), int(n_repeat)
print(f"twinstory load test: nginx {nginx} (brotli {'on' if brotli == '1' else 'off'}), wrk {wrkv}, "
      f"{readers} concurrent connections, {duration} s per phase, 127.0.0.1, {cores} cores")
print(f"reader's URLs from: {'Chromium through nginx' if mode != 'derived' else 'the build files'}"
      f"{' (CSP bypassed, see above)' if mode == 'bypass' else ''}")
for f in ("browser-first.txt", "browser-repeat.txt"):
    p = os.path.join(work, f)
    if os.path.exists(p):
        print(open(p).read().strip())
bad = 0
for name, per in (("first", n_first), ("repeat", n_repeat)):
    r = json.load(open(os.path.join(work, f"{name}.json")))
    secs = r["duration_us"] / 1e6
    errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"] + r["wrong_status"]
    bad += errors
    readers_done = r["requests"] / per if per else 0
    load = open(os.path.join(work, f"uptime-{name}")).read().strip() if os.path.exists(os.path.join(work, f"uptime-{name}")) else "?"
    print(f"{name} visit ({per} requests per reader): {r['requests']} requests in {secs:.1f} s = "
          f"{r['requests'] / secs:,.0f} requests/s = {readers_done / secs:,.0f} readers/s; "
          f"latency p50 {r['p50_us'] / 1000:.1f} ms, p90 {r['p90_us'] / 1000:.1f} ms, p99 {r['p99_us'] / 1000:.1f} ms, max {r['max_us'] / 1000:.0f} ms; "
          f"{r['bytes'] / readers_done if readers_done else 0:,.0f} bytes per reader (headers included); "
          f"{r['bytes'] / secs * 8 / 1e9:.2f} Gbit/s; errors {errors} "
          f"(connect {r['connect']}, read {r['read']}, write {r['write']}, status {r['status']}, timeout {r['timeout']}, "
          f"unexpected status {r['wrong_status']})")
    print(f"  load during {name}: {load}")
for name, label in (("live-direct", "live data, pygeoapi alone"), ("live-cached", "live data, through the caching proxy")):
    p = os.path.join(work, f"{name}.json")
    if not os.path.exists(p):
        continue
    r = json.load(open(p))
    secs = r["duration_us"] / 1e6
    errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"] + r["wrong_status"]
    line = (f"{label}: {r['requests']} requests in {secs:.1f} s = {r['requests'] / secs:,.0f} requests/s; "
            f"latency p50 {r['p50_us'] / 1000:.1f} ms, p99 {r['p99_us'] / 1000:.1f} ms; "
            f"{r['bytes'] / max(r['requests'], 1):,.0f} bytes per request; errors {errors}")
    if name == "live-cached":
        bad += errors
        up = open(os.path.join(work, "live-upstream")).read().strip()
        status = {}
        for l in open(os.path.join(work, "live.log")):
            k = l.split()[0]
            status[k] = status.get(k, 0) + 1
        line += (f"; {up} requests reached pygeoapi (cache: "
                 + ", ".join(f"{k} {v}" for k, v in sorted(status.items())) + ")")
    print(line)
sys.exit(1 if bad else 0)
EOF
cat "$RESULTS/results.txt"
[ "$rc" = 0 ] || die "errors during the load test"
log "results: $RESULTS/results.txt"
