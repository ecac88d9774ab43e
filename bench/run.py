"""Side-by-side benchmark of the shop's pages under gunicorn, against a bare Django view in the same run.

    DATABASE_URL=postgres://… REDIS_URL=redis://… python bench/run.py [--duration 10] [--rounds 3]
        [--only cart,anonymous] [--cold 20] [--workers 2] [--threads 1]

Needs the bench data set (`manage.py seed_bench --settings=bench.settings`) in DATABASE_URL. The app runs with the
production settings (DEBUG off, persistent connections, Redis cache, cached sessions; plain HTTP on
127.0.0.1), gunicorn.conf.py, and the bench-only URL conf (bench/urls.py) that adds the reference
views. For every page, as the bench customer and (list and product pages) as an anonymous visitor:
wrk -t2 -c16 for --duration seconds after a short warm-up; SQL queries per page are counted once
with Django's test client against the same database (second request: warm); then --cold single
views per page, each right after a catalogue change. Prints every page's ratio to the reference
row (a bare view rendering a static template) and the targets it misses; writes JSON to bench/results/.
"""

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def bench_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://… (the database seed_bench filled).")
    if not env.get("REDIS_URL"):
        sys.exit("Set REDIS_URL=redis://… (cache and cached sessions).")
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        BENCH_SETTINGS_BASE="config.settings.production",
        BENCH_CEILING="1",
        DEBUG="0",
        SECRET_KEY=env.get("SECRET_KEY") or "bench-only-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SHOP_URL=f"http://127.0.0.1:{port}",
        SECURE_SSL_REDIRECT="False",
        SESSION_COOKIE_SECURE="False",
        CSRF_COOKIE_SECURE="False",
        SECURE_HSTS_SECONDS="0",
        DB_CONN_MAX_AGE=env.get("DB_CONN_MAX_AGE", "600"),
        LOG_LEVEL="WARNING",
        CACHE_KEY_PREFIX="bench",
    )
    if not env.get("IDP_OIDC_PRIVATE_KEY"):
        # Production settings require a signing key; the bench never signs a token, any key will do.
        from identity.keys import generate_pem

        env["IDP_OIDC_PRIVATE_KEY"] = generate_pem()
    return env


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    print("wrk is missing: installing the Debian package …", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or sys.exit("wrk could not be installed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn did not answer on {url}")


def login(base: str, email: str, password: str) -> str:
    """Log in through the real login form; returns the Cookie header for wrk."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/konto/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "login": email, "password": password}).encode()
    request = urllib.request.Request(f"{base}/konto/login/", data=data, headers={"Referer": f"{base}/konto/login/"})
    opener.open(request).read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        sys.exit(f"Login as {email} failed: run `manage.py seed_bench --settings=bench.settings` first?")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def parse_wrk(output: str) -> dict:
    def ms(text: str) -> float:
        value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = ms(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = ms(re.search(r"\s99%\s+(\S+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "non_2xx_3xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "",
    }


def run_wrk(wrk: str, url: str, cookie: str, duration: int) -> dict:
    base = [wrk, "-t2", "-c16", "--latency", *(["-H", f"Cookie: {cookie}"] if cookie else [])]
    subprocess.run([*base, "-d2s", url], check=True, capture_output=True)  # warm-up
    out = subprocess.run([*base, f"-d{duration}s", url], check=True, capture_output=True, text=True).stdout
    return parse_wrk(out)


REFERENCE = "bare view: static 5.8 KB template"
# The targets, as a share of the reference row's req/s in the same run.
TARGET_RATIO = {"customer": 0.50, "anonymous": 0.70}
TARGET_P99_MS = 50.0
TARGET_COLD_P99_MS = 150.0
TARGET_QUERIES = {"customer": 1, "anonymous": 0}


class Page(NamedTuple):
    label: str
    path: str
    status: int
    who: str  # "reference", "customer" (logged in as the bench buyer) or "anonymous"

    @property
    def key(self) -> str:
        return f"{self.who}:{self.path}"


def pages(env: dict) -> tuple[list[Page], str, str]:
    """Every page to measure, from the bench data, plus the bench login."""
    code = (
        "import django, json; django.setup()\n"
        "from bench.seed import BENCH_LOGIN, BENCH_PASSWORD\n"
        "from shop.models import Category, Product, OrderLine\n"
        "top = Category.objects.filter(parent=None, slug='kabel').first() or Category.objects.filter(parent=None).first()\n"
        "p = OrderLine.objects.filter(order__customer__number='B000001', product__is_active=True)"
        ".values_list('product__sku', 'product__el_number').first()\n"
        "print(json.dumps([BENCH_LOGIN, BENCH_PASSWORD, top.slug, p[0], p[1]]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    email, password, slug, sku, el_number = json.loads(out.stdout.strip().splitlines()[-1])
    customer = [
        ("front page", "/", 200),
        ("category list", f"/sortiment/{slug}/", 200),
        ("word search", "/sok/?q=stikkontakt+hvit", 200),
        ("number search", f"/sok/?q={el_number}", 302),
        ("product page", f"/produkt/{sku}/", 200),
        ("cart (50 lines)", "/handlekurv/", 200),
        ("order history", "/ordre/", 200),
    ]
    anonymous = [
        ("front page", "/", 200),
        ("category list", f"/sortiment/{slug}/", 200),
        ("word search", "/sok/?q=stikkontakt+hvit", 200),
        ("product page", f"/produkt/{sku}/", 200),
    ]
    return (
        [
            Page(REFERENCE, "/bench/bare/", 200, "reference"),
            Page("ceiling: 150 variable lookups", "/bench/ceiling/", 200, "reference"),
            Page("same bytes, no template", "/bench/static/", 200, "reference"),
            *(Page(label, path, status, "customer") for label, path, status in customer),
            *(Page(label, path, status, "anonymous") for label, path, status in anonymous),
        ],
        email,
        password,
    )


def count_queries(env: dict, cookie: str, page_list: list[Page]) -> dict[str, dict]:
    """SQL queries and status per page with the test client (second request: warm caches)."""
    code = (
        "import django, json, sys; django.setup()\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "cookie, pages = json.loads(sys.stdin.read())\n"
        "customer, anonymous = Client(), Client()\n"
        "for part in cookie.split('; '):\n"
        "    k, v = part.split('=', 1); customer.cookies[k] = v\n"
        "result = {}\n"
        "for key, path, who in pages:\n"
        "    client = anonymous if who == 'anonymous' else customer\n"
        "    client.get(path)\n"
        "    with CaptureQueriesContext(connection) as ctx:\n"
        "        response = client.get(path)\n"
        "    result[key] = {'queries': len(ctx.captured_queries), 'status': response.status_code,\n"
        "                   'bytes': len(response.content)}\n"
        "print(json.dumps(result))\n"
    )
    payload = json.dumps([cookie, [(p.key, p.path, p.who) for p in page_list]])
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, input=payload, check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_cold(env: dict, base: str, cookie: str, page_list: list[Page], samples: int) -> dict[str, dict]:
    """Each page's first view after a catalogue change: move the catalogue version, wait until every
    worker has seen it (VERSION_MEMO_SECONDS), time one request; `samples` times per page."""
    code = (
        "import django, json, sys, time, urllib.request; django.setup()\n"
        "from shop.caching import VERSION_MEMO_SECONDS, catalogue_changed\n"
        "base, cookie, pages, samples = json.loads(sys.stdin.read())\n"
        "class NoRedirect(urllib.request.HTTPRedirectHandler):\n"
        "    def redirect_request(self, *args, **kwargs): return None\n"
        "opener = urllib.request.build_opener(NoRedirect)\n"
        "result = {}\n"
        "for key, path, who in pages:\n"
        "    times = []\n"
        "    for _ in range(samples):\n"
        "        catalogue_changed()\n"
        "        time.sleep(VERSION_MEMO_SECONDS + 0.1)\n"
        "        request = urllib.request.Request(base + path)\n"
        "        if who == 'customer': request.add_header('Cookie', cookie)\n"
        "        start = time.perf_counter()\n"
        "        try:\n"
        "            opener.open(request).read()\n"
        "        except urllib.error.HTTPError as error:\n"
        "            if error.code != 302: raise\n"
        "        times.append((time.perf_counter() - start) * 1000)\n"
        "    times.sort()\n"
        "    result[key] = {'cold_p50_ms': times[len(times) // 2],\n"
        "                   'cold_p99_ms': times[min(len(times) - 1, int(len(times) * 0.99))]}\n"
        "print(json.dumps(result))\n"
    )
    measured = [p for p in page_list if p.who != "reference"]
    payload = json.dumps([base, cookie, [(p.key, p.path, p.who) for p in measured], samples])
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, input=payload, check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker; > 1 means gthread workers")
    parser.add_argument("--only", default="", help="comma-separated words to pick pages (ceiling always runs)")
    parser.add_argument(
        "--rounds", type=int, default=1,
        help="measure every page this many times, interleaved, and report the median round (default 1)",
    )
    parser.add_argument(
        "--cold", type=int, default=20,
        help="cold views per page (first view after a catalogue change; ~1.2 s each; 0 skips them; default 20)",
    )
    args = parser.parse_args()

    wrk = ensure_wrk()
    port = free_port()
    env = bench_env(port)
    base = f"http://127.0.0.1:{port}"
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    page_list, email, password = pages(env)
    if args.only:
        words = args.only.split(",")
        page_list = [p for p in page_list if p.who == "reference" or any(w in p.label or w == p.who for w in words)]

    server = subprocess.Popen(
        # gunicorn.conf.py (read from ROOT) as in production; workers and logs from the command line.
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-w", str(args.workers), "--threads", str(args.threads),
         "-b", f"127.0.0.1:{port}",
         "--access-logfile", "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null", "--log-level", "warning"],
        env=env, cwd=ROOT, start_new_session=True,
    )
    try:
        wait_for(f"{base}/healthz")
        cookie = login(base, email, password)
        queries = count_queries(env, cookie, page_list)
        for page in page_list:
            if queries[page.key]["status"] != page.status:
                sys.exit(f"{page.label} {page.path}: status {queries[page.key]['status']}, expected {page.status}")
        # Rounds are interleaved (every page once, then again) so that a noisy minute on a shared
        # machine hits every page alike; each page reports its median round by req/s.
        results = {page.key: [] for page in page_list}
        for round_no in range(args.rounds):
            for page in page_list:
                print(f"  [{round_no + 1}/{args.rounds}] {page.who} {page.label} …", end="", flush=True)
                result = run_wrk(wrk, base + page.path, cookie if page.who == "customer" else "", args.duration)
                print(f" {result['rps']:.0f} req/s", flush=True)
                results[page.key].append(result)
        cold = measure_cold(env, base, cookie, page_list, args.cold) if args.cold else {}
        rows = []
        for page in page_list:
            ranked = sorted(results[page.key], key=lambda r: r["rps"])
            median = ranked[len(ranked) // 2]
            rows.append({"page": page.label, "who": page.who, "path": page.path, **median, **queries[page.key],
                         **cold.get(page.key, {}), "rounds_rps": [r["rps"] for r in results[page.key]]})
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    reference = rows[0]["rps"]
    print()
    print(f"Ratio: req/s against the reference row ({REFERENCE}) of this run.")
    print("Targets: customer pages >= 50 %, anonymous >= 70 %; p99 < 50 ms; warm SQL <= 1 (anonymous 0);")
    print("cold p99 < 150 ms. A page that misses one is marked with the target it misses.")
    print()
    print("| who | page | req/s | vs reference | p50 ms | p99 ms | SQL queries | cold p50 ms | cold p99 ms |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        row["ratio"] = row["rps"] / reference if reference else 0
        row["misses"] = misses(row)
        flag = "" if row["non_2xx_3xx"] == 0 else f" ({row['non_2xx_3xx']} errors)"
        flag += f" **misses: {', '.join(row['misses'])}**" if row["misses"] else ""
        cold_cells = (
            f"{row['cold_p50_ms']:.0f} | {row['cold_p99_ms']:.0f}" if "cold_p99_ms" in row else "– | –"
        )
        print(
            f"| {row['who']} | {row['page']}{flag} | {row['rps']:,.0f} | {row['ratio']:.0%} | {row['p50_ms']:.1f} | "
            f"{row['p99_ms']:.1f} | {row['queries']} | {cold_cells} |"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    meta = {"when": stamp, "nproc": os.cpu_count(), "workers": args.workers, "threads": args.threads,
            "duration_s": args.duration,
            "rounds": args.rounds, "cold_samples": args.cold,
            "wrk": "-t2 -c16", "load_average": os.getloadavg()}
    (RESULTS / f"pages-{stamp}.json").write_text(json.dumps({"meta": meta, "pages": rows}, indent=2))
    print(f"\nload average {os.getloadavg()[0]:.2f}; results in bench/results/pages-{stamp}.json")


def misses(row: dict) -> list[str]:
    """The targets a page row misses (none for the reference rows)."""
    who = row["who"]
    if who == "reference":
        return []
    missed = []
    if row["ratio"] < TARGET_RATIO[who]:
        missed.append(f"ratio < {TARGET_RATIO[who]:.0%}")
    if row["p99_ms"] >= TARGET_P99_MS:
        missed.append(f"p99 >= {TARGET_P99_MS:.0f} ms")
    if row["queries"] > TARGET_QUERIES[who]:
        missed.append(f"SQL > {TARGET_QUERIES[who]}")
    if row.get("cold_p99_ms", 0) >= TARGET_COLD_P99_MS:
        missed.append(f"cold p99 >= {TARGET_COLD_P99_MS:.0f} ms")
    return missed


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
