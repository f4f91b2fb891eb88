"""Video rooms under load: N rooms of 6 fake participants each against one Janus.

    python bench/video.py [--rooms 2] [--participants 6] [--seconds 20]

Starts Debian's Janus with the generated configuration (connect/video/janusd.py,
token authentication on), creates the rooms and one token per participant
through the admin API exactly as the site does (connect/video/janus.py), and
opens every participant as a page of Debian's chromium (fake camera and
microphone) running the site's own room script (static/js/video.js with the
vendored janus.js), each publishing audio and video and receiving the five
others. Django is not involved: no media passes through it anyway.

Figures (the last line is JSON):

- ``join_p95_ms``: 95th percentile of "Join the room" click → the participant's
  own PeerConnection up (ICE + DTLS done, publishing);
- ``cpu_percent``: the Janus process's CPU over the measuring window, in % of
  one core (``cpu_percent_machine``: all processes, in % of all cores: the
  fake participants' browsers share this machine and dominate it);
- ``load_average_1m``: the machine's load when the run ended (other work on a
  shared machine starves the fake participants' browsers);
- ``frames_decoded_ratio``: video frames decoded by all receivers during the
  window ÷ (frames the publishers encoded × receivers per publisher): 1.0
  means every frame sent reached and was decoded by every other participant.
"""

import argparse
import functools
import json
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from connect.video import janusd  # noqa: E402  (after sys.path)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    # Background pages must keep decoding like a visible one would.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
STATIC = ["js/vendor/adapter.min.js", "js/vendor/janus.js", "js/video.js", "css/video.css"]

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>bench</title><link rel="stylesheet" href="css/video.css">
<script src="js/vendor/adapter.min.js" defer></script>
<script src="js/vendor/janus.js" defer></script>
<script src="js/video.js" defer></script></head><body>
<script id="video-page" type="application/json">{page}</script>
<section id="video-room" data-state="ready">
<p id="video-status" role="status"></p>
<form id="video-join-form" method="post" action="{pass_url}">
<button type="submit" id="video-join">Join the room</button></form>
<button type="button" id="video-mic" hidden>Microphone off</button>
<button type="button" id="video-camera" hidden>Camera on</button>
<button type="button" id="video-leave" hidden>Leave</button>
<ul id="video-tiles"></ul>
<template id="video-tile"><li class="video-tile"><video playsinline autoplay></video>
<p class="video-name"></p></li></template></section></body></html>"""

TIMING = """
window.__bench = {clicked: 0, joined: 0};
document.addEventListener("click", function (e) {
  if (e.target && e.target.id === "video-join") { window.__bench.clicked = performance.now(); }
}, true);
new MutationObserver(function () {
  var room = document.getElementById("video-room");
  if (room && room.getAttribute("data-state") === "publishing" && !window.__bench.joined) {
    window.__bench.joined = performance.now();
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-state"]});
"""

STATS = """async () => {
  const v = window.connectVideo, out = {decoded: 0, encoded: 0, receiving: 0};
  if (!v) return out;
  const pcs = Object.values(v.subscribers).map((h) => h.webrtcStuff && h.webrtcStuff.pc);
  for (const pc of pcs) {
    if (!pc) continue;
    let frames = 0;
    (await pc.getStats()).forEach((r) => {
      if (r.type === "inbound-rtp" && r.kind === "video") frames += r.framesDecoded || 0;
    });
    out.decoded += frames;
    if (frames > 0) out.receiving += 1;
  }
  const pub = v.publisher && v.publisher.webrtcStuff && v.publisher.webrtcStuff.pc;
  if (pub) (await pub.getStats()).forEach((r) => {
    if (r.type === "outbound-rtp" && r.kind === "video") out.encoded += r.framesEncoded || 0;
  });
  return out;
}"""


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def machine_ticks() -> tuple[int, int]:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):  # noqa: N802  ("Join the room" asks for the pass)
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.do_GET()

    handler = functools.partial(Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rooms", type=int, default=2)
    parser.add_argument("--participants", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=20.0, help="measuring window")
    parser.add_argument("--warmup", type=float, default=8.0)
    parser.add_argument("--join-timeout", type=float, default=90.0)
    parser.add_argument(
        "--video",
        default="320x240@15",
        help="fake camera WxH@fps each participant sends ('full' = chromium's 640x480@30)",
    )
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    # connect.video.janus reads Django settings only in servers(); Server needs none.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connect.settings")
    from connect.video.janus import Server

    tick = os.sysconf("SC_CLK_TCK")
    work = Path(tempfile.mkdtemp(prefix="connect-video-bench-"))
    janus = janusd.start(work / "janus", debug_level=3)
    admin = Server(janus.url, janus.admin_url, janus.admin_secret)
    for name in STATIC:
        (work / "www" / name).parent.mkdir(parents=True, exist_ok=True)
        (work / "www" / name).write_bytes((ROOT / "static" / name).read_bytes())
    pages_html = []
    for room in range(1, args.rooms + 1):
        tokens = [secrets.token_urlsafe(24) for _ in range(args.participants)]
        for token in tokens:
            admin.token_add(token)
        admin.room_create(
            room,
            secret=secrets.token_urlsafe(16),
            description=f"bench {room}",
            publishers=max(8, args.participants),
            allowed=tokens,
        )
        for i, token in enumerate(tokens):
            config = {
                "server": janus.url,
                "token": token,
                "room": room,
                "id": room * 100 + i + 1,
                "display": f"Room {room} person {i + 1}",
                "iceServers": [],
                "closesAt": "",
                "maxParticipants": max(8, args.participants),
            }
            if args.video != "full":
                size, fps = args.video.split("@")
                width, height = size.split("x")
                config["video"] = {
                    "width": {"ideal": int(width)},
                    "height": {"ideal": int(height)},
                    "frameRate": {"ideal": int(fps)},
                }
            name = f"p-{room}-{i}.html"
            pass_url = f"pass-{room}-{i}.json"
            (work / "www" / pass_url).write_text(json.dumps(config))
            page = json.dumps({"passUrl": pass_url})
            (work / "www" / name).write_text(PAGE.format(page=page, pass_url=pass_url))
            pages_html.append(name)
    http, base = serve(work / "www")

    joins: list[float] = []
    failed = 0
    result: dict = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages = []
            for name in pages_html:
                # One context per participant, as each person has their own browser:
                # a context allows 6 connections per host, and every janus.js session
                # holds one open for its long poll.
                context = browser.new_context(permissions=["camera", "microphone"])
                context.add_init_script(TIMING)
                page = context.new_page()
                page.goto(f"{base}/{name}")
                page.click("#video-join")
                pages.append(page)
            deadline = time.monotonic() + args.join_timeout
            for page in pages:
                remaining = max(1000, (deadline - time.monotonic()) * 1000)
                try:
                    page.wait_for_function("window.__bench.joined > 0", timeout=remaining)
                except Exception:  # noqa: BLE001  (a participant that never joined is counted)
                    failed += 1
                    continue
                timing = page.evaluate("window.__bench")
                joins.append(timing["joined"] - timing["clicked"])
            time.sleep(args.warmup)
            first = [page.evaluate(STATS) for page in pages]
            pid = janus.process.pid
            janus_0, (busy_0, all_0), t0 = cpu_ticks(pid), machine_ticks(), time.time()
            time.sleep(args.seconds)
            last = [page.evaluate(STATS) for page in pages]
            janus_1, (busy_1, all_1), t1 = cpu_ticks(pid), machine_ticks(), time.time()
            browser.close()
        decoded = sum(b["decoded"] - a["decoded"] for a, b in zip(first, last, strict=True))
        encoded = sum(b["encoded"] - a["encoded"] for a, b in zip(first, last, strict=True))
        receivers = args.participants - 1
        receiving = sum(b["receiving"] for b in last)
        result = {
            "rooms": args.rooms,
            "participants": args.rooms * args.participants,
            "joined": len(joins),
            "join_failed": failed,
            "subscriptions_receiving": receiving,
            "subscriptions_expected": args.rooms * args.participants * receivers,
            "cpu_percent": round(100 * (janus_1 - janus_0) / tick / (t1 - t0), 1),
            "cpu_percent_machine": round(100 * (busy_1 - busy_0) / max(1, all_1 - all_0), 1),
            "join_p50_ms": round(statistics.median(joins), 0) if joins else None,
            "join_p95_ms": round(percentile(joins, 95), 0) if joins else None,
            "frames_decoded_ratio": round(decoded / (encoded * receivers), 3) if encoded else 0.0,
            "window_s": args.seconds,
            "video": args.video,
            "load_average_1m": round(os.getloadavg()[0], 1),
        }
    finally:
        http.shutdown()
        janus.stop()
    print(
        f"{result['rooms']} rooms, {result['participants']} participants "
        f"({result['joined']} joined, {result['subscriptions_receiving']}/"
        f"{result['subscriptions_expected']} subscriptions receiving video): "
        f"Janus {result['cpu_percent']}% of one core, machine {result['cpu_percent_machine']}%, "
        f"join p95 {result['join_p95_ms']} ms, frames decoded {result['frames_decoded_ratio']}"
    )
    print(json.dumps(result))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
