#!/usr/bin/env python3
"""Tap to photon: the kiosk against a Chromium kiosk doing the same work, in the same run.

Both apps run full screen under the same Xvfb 1080x1920 with the same window manager (the peer
harness's set-up, ../shared/bench/chromium-peer/measure.py). The same citizen's path is tapped
in both, cycle after cycle:

  attract -> welcome ("Insert demo card"), welcome -> catalog ("New application"),
  catalog -> service page (the first service), service page -> form ("Start application"),
  three keys of the on-screen keypad into the phone field, language switch to Russian and back,
  back, back, finish (-> attract).

A tap is an XTEST button press and release at the target's centre (what `xdotool click` sends;
sent from this process so no process start-up is timed). t0 is just before the press. The
Xvfb framebuffer (a memory-mapped XWD file in /dev/shm) is sampled every millisecond (every 7th pixel of
the whole screen): `photon` = first change after t0, `settled` = the last change before the
screen has been still for QUIET_S. A tap that changes nothing is an error, not a fast figure.

Targets: ours from `cargo run --example tap_targets` (the kiosk's own elements by accessible
label, per language); Chromium's page reports its elements' rectangles to a 127.0.0.1 beacon.

Writes target/bench/tap.json: {"ours": {p50_ms, p99_ms, ...}, "chromium": {...}, "taps": N,
"one_core": {...}} with p50/p99 of tap to photon; settled figures and per-transition figures
beside them. Used by scripts/bench-tap.sh.
"""
import argparse, json, os, shlex, shutil, signal, statistics, subprocess, sys, tempfile, threading, time

QUIET_S = 0.3          # the screen is settled when unchanged this long
WINDOW_S = 4.0         # longest wait for a tap's changes
GAP_S = 0.7            # pause after a settled screen before the next tap (the kiosk's tap guard is 0.5 s)
STRIDE = 4 * 7         # sample every 7th pixel (XRGB)

# The path tapped in each cycle: (transition name, screen the tap is on, target name).
CYCLE = [
    ("attract->welcome", "attract", "demo-card"),
    ("welcome->catalog", "welcome", "new-application"),
    ("catalog->service", "catalog", "first-service"),
    ("service->form", "service", "start"),
    ("key", "form", "key-5"),
    ("key", "form", "key-5"),
    ("key", "form", "key-5"),
    ("language", "form", "lang-ru"),
    ("language", "form", "lang-az"),
    ("back", "form", "form-back"),
    ("back", "service", "service-back"),
    ("finish", "catalog", "finish"),
]
LANG_AFTER = {"lang-ru": "ru", "lang-az": "az", "finish": "az"}

# Our kiosk: target name -> (screen in tap-targets.json, English label of the element).
OURS = {
    "demo-card": ("Attract", "Insert demo card"),
    "new-application": ("Welcome", "New application"),
    "first-service": ("Catalog", None),          # the first service card
    "start": ("ServiceInfo", "Start application"),
    "key-5": ("Form", "5"),
    "lang-ru": ("Form", "Русский"),
    "lang-az": ("Form", "Azərbaycanca"),
    "form-back": ("Form", "‹ Back"),
    "service-back": ("ServiceInfo", "‹ Back"),
    "finish": ("Catalog", "Finish"),
}


class Screen:
    """Framebuffer sampler of a measure.Xvfb, with a change log kept by a polling thread."""

    def __init__(self, xv):
        self.xv, self.changes, self.lock = xv, [], threading.Lock()
        self.stop_evt = threading.Event()
        self.last = self.sample()
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def sample(self):
        return hash(self.xv.mm[self.xv.off::STRIDE])

    def run(self):
        while not self.stop_evt.is_set():
            h = self.sample()
            if h != self.last:
                with self.lock:
                    self.changes.append(time.monotonic())
                self.last = h
            time.sleep(0.001)

    def since(self, t0):
        with self.lock:
            return [t for t in self.changes if t >= t0]

    def wait_quiet(self, quiet=QUIET_S, limit=WINDOW_S, t0=None):
        """Waits until the screen has been still for `quiet` s; returns the last change's time."""
        t0 = t0 or time.monotonic()
        while True:
            now = time.monotonic()
            ch = self.since(t0)
            last = ch[-1] if ch else t0
            if now - last >= quiet or now - t0 > limit:
                return ch
            time.sleep(0.01)

    def stop(self):
        self.stop_evt.set()
        self.t.join()


class Tapper:
    def __init__(self, display):
        from Xlib import X, display as xdisplay
        from Xlib.ext import xtest
        self.X, self.xtest = X, xtest
        self.d = xdisplay.Display(display)

    def move(self, x, y):
        self.xtest.fake_input(self.d, self.X.MotionNotify, x=int(x), y=int(y))
        self.d.sync()

    def click(self):
        self.xtest.fake_input(self.d, self.X.ButtonPress, 1)
        self.xtest.fake_input(self.d, self.X.ButtonRelease, 1)
        self.d.sync()


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, round((len(v) - 1) * p))] if v else None


def stats(samples):
    ms = lambda v: round(v * 1000, 1) if v is not None else None
    photon = [s["photon"] for s in samples]
    settled = [s["settled"] for s in samples]
    out = {"p50_ms": ms(pct(photon, 0.5)), "p99_ms": ms(pct(photon, 0.99)), "max_ms": ms(max(photon, default=None)),
           "settled": {"p50_ms": ms(pct(settled, 0.5)), "p99_ms": ms(pct(settled, 0.99))}, "taps": len(samples),
           "by_transition": {}}
    for name in dict.fromkeys(s["name"] for s in samples):
        ss = [s for s in samples if s["name"] == name]
        out["by_transition"][name] = {
            "taps": len(ss),
            "p50_ms": ms(pct([s["photon"] for s in ss], 0.5)), "p99_ms": ms(pct([s["photon"] for s in ss], 0.99)),
            "settled_p50_ms": ms(pct([s["settled"] for s in ss], 0.5)),
            "settled_p99_ms": ms(pct([s["settled"] for s in ss], 0.99))}
    return out


def run_cycles(app, screen, tapper, target_of, cycles, log):
    """Taps the path `cycles` times; returns the samples. Raises when a tap changes nothing."""
    samples, lang = [], "az"
    for c in range(cycles):
        for name, where, target in CYCLE:
            xy = target_of(where, lang, target)
            tapper.move(*xy)
            screen.wait_quiet()
            time.sleep(GAP_S)
            t0 = time.monotonic()
            tapper.click()
            ch = screen.wait_quiet(t0=t0)
            if not ch:
                raise SystemExit(f"{app}: tapping {target} on {where} ({lang}) at {xy} changed nothing")
            samples.append({"name": name, "photon": ch[0] - t0, "settled": ch[-1] - t0})
            lang = LANG_AFTER.get(target, lang)
        log(f"{app}: cycle {c + 1}/{cycles}: last {name} photon {samples[-1]['photon'] * 1000:.1f} ms")
    return samples


def ours_targets(path):
    rows = json.load(open(path))

    def find(where, lang, target):
        screen, key = OURS[target]
        cand = [r for r in rows if r["screen"] == screen and r["lang"] == lang and r.get("role") != "Text"]
        if key is None:   # the first service card: the first button below the header's row
            cand = [r for r in cand if r["y"] > 300 and r.get("role") == "Button"]
        else:
            cand = [r for r in cand if r.get("key") == key]
        if not cand:
            raise SystemExit(f"no target {target} on {screen} ({lang}) in {path}")
        r = cand[0]
        return (r["x"] + r["w"] / 2, r["y"] + r["h"] / 2)
    return find


def chromium_page(root, workdir):
    """The Chromium copy of the screens with its catalog and fonts, in a scratch folder."""
    import tomllib
    page = os.path.join(workdir, "page")
    os.makedirs(page, exist_ok=True)
    shutil.copy(os.path.join(root, "benches/chromium-screens/index.html"), page)
    for f in ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"):
        shutil.copy(os.path.join(root, "ui/fonts", f), page)
    cat = tomllib.load(open(os.path.join(root, "config/services.toml"), "rb"))
    with open(os.path.join(page, "catalog.js"), "w") as f:
        f.write("window.CATALOG = " + json.dumps(cat, ensure_ascii=False) + ";\n")
    return os.path.join(page, "index.html")


def chromium_targets(measure):
    def find(where, lang, target):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with measure.EV_LOCK:
                evs = [q for _, q in measure.EVENTS if q.get("ev") == "targets"
                       and q.get("screen") == where and q.get("lang") == lang]
            if evs:
                t = json.loads(evs[-1]["targets"])
                if target in t:
                    return tuple(t[target])
                raise SystemExit(f"chromium page has no target {target} on {where} ({lang}): {sorted(t)}")
            time.sleep(0.02)
        raise SystemExit(f"chromium page reported no targets for {where} ({lang})")
    return find


def wait_ready(measure, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with measure.EV_LOCK:
            if any(q.get("ev") == "ready" for _, q in measure.EVENTS):
                return
        if proc.poll() is not None:
            raise SystemExit(f"the app exited with {proc.returncode} before it was ready")
        time.sleep(0.02)
    raise SystemExit("the app never said it was ready")


def one_app(args, measure, app, cmd, target_of, pin, env_extra):
    xv = measure.Xvfb(args.display, "1080x1920x24", os.path.join(args.fbdir, "fb-" + app))
    procs = []
    try:
        xv.start_wm("matchbox-window-manager -use_titlebar no -use_cursor no")
        if pin:
            subprocess.run(["taskset", "-pc", pin, str(xv.p.pid)], check=True, stdout=subprocess.DEVNULL)
        env = dict(os.environ, DISPLAY=xv.display, **env_extra)
        with measure.EV_LOCK:
            measure.EVENTS.clear()
        full = (["taskset", "-c", pin] if pin else []) + cmd
        p = subprocess.Popen(full, env=env, stdout=subprocess.DEVNULL,
                             stderr=open(os.path.join(args.workdir, f"{app}.log"), "w"), start_new_session=True)
        procs.append(p)
        wait_ready(measure, p)
        screen = Screen(xv)
        try:
            screen.wait_quiet(quiet=1.0, limit=10)
            tapper = Tapper(xv.display)
            samples = run_cycles(app, screen, tapper, target_of, args.cycles, args.log)
        finally:
            screen.stop()
        return samples
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
                p.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        xv.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiosk", required=True, help="the kiosk binary (demo build)")
    ap.add_argument("--targets", required=True, help="JSON from `cargo run --example tap_targets`")
    ap.add_argument("--peer", default="../shared/bench/chromium-peer", help="folder of measure.py")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--cycles", type=int, default=4, help="paths tapped per app (12 taps each)")
    ap.add_argument("--out", default="target/bench/tap.json")
    ap.add_argument("--display", default=":96")
    ap.add_argument("--modes", default="all,one", help="all = all cores, one = app and X server on core 0")
    args = ap.parse_args()
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
    sys.path.insert(0, os.path.abspath(args.peer))
    import measure
    args.workdir = tempfile.mkdtemp(prefix="bench-tap-")
    # The X server's framebuffer file lives in memory, as a display's does: on a disk file system
    # every write to a page the kernel has just written back stalls the X server, for either app.
    # The apps' data (the kiosk's database, Chromium's profile) stay on disk.
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    args.fbdir = tempfile.mkdtemp(prefix="bench-tap-fb-", dir=shm)
    args.log = lambda m: print(m, file=sys.stderr, flush=True)
    srv = measure.start_server()
    beacon = f"http://127.0.0.1:{srv.server_address[1]}/mark"
    url = "file://" + chromium_page(root, args.workdir) + "?beacon=" + beacon
    ncpu = os.cpu_count() or 1
    result = {"taps": len(CYCLE) * args.cycles, "cycles": args.cycles, "screen": "1080x1920",
              "host": {"ncpu": ncpu, "kernel": os.uname().release},
              "method": "XTEST tap, Xvfb framebuffer sampled every 1 ms; p50/p99 of tap to first change (photon)"}
    for mode in args.modes.split(","):
        pin = "0" if mode == "one" else None
        if pin and ncpu > 1:
            # The harness itself stays off the app's core.
            os.sched_setaffinity(0, set(range(1, ncpu)))
        data = tempfile.mkdtemp(prefix="data-", dir=args.workdir)
        ours = one_app(args, measure, "ours", [args.kiosk, "--config", os.path.join(root, "config/kiosk.toml"),
                                       "--data-dir", data, "run", "--fullscreen"],
                       ours_targets(args.targets), pin, {"KIOSK_BEACON": beacon})
        udd = tempfile.mkdtemp(prefix="udd-", dir=args.workdir)
        chromium = one_app(args, measure, "chromium",
                           [args.chromium] + measure.CHROMIUM_FLAGS + [f"--user-data-dir={udd}", url],
                           chromium_targets(measure), pin, {})
        os.sched_setaffinity(0, set(range(ncpu)))
        o, c = stats(ours), stats(chromium)
        block = {"ours": o, "chromium": c,
                 "ratio_p50": round(c["p50_ms"] / o["p50_ms"], 1) if o["p50_ms"] else None,
                 "ratio_p99": round(c["p99_ms"] / o["p99_ms"], 1) if o["p99_ms"] else None}
        if mode == "one":
            result["one_core"] = block
        else:
            result.update(block)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1, ensure_ascii=False)
    srv.shutdown()
    shutil.rmtree(args.workdir, ignore_errors=True)
    shutil.rmtree(args.fbdir, ignore_errors=True)
    for key, block in [("all cores", result)] + ([("one core", result["one_core"])] if "one_core" in result else []):
        if "ours" in block:
            o, c = block["ours"], block["chromium"]
            print(f"{key}: ours p50 {o['p50_ms']} ms p99 {o['p99_ms']} ms | chromium p50 {c['p50_ms']} ms "
                  f"p99 {c['p99_ms']} ms | chromium/ours p50 {block['ratio_p50']}x p99 {block['ratio_p99']}x")
    print("written", args.out)


if __name__ == "__main__":
    main()
