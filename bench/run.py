"""Side-by-side benchmark of a logged-in customer's pages under gunicorn, with a ceiling.

    DATABASE_URL=postgres://… REDIS_URL=redis://… python bench/run.py [--duration 10] [--only home,cart]

Needs the bench data set (`manage.py seed_bench --settings=bench.settings`) in DATABASE_URL. The app runs with the
production settings (DEBUG off, persistent connections, Redis cache, cached sessions; plain HTTP on
127.0.0.1) and the bench-only URL conf (bench/urls.py) that adds the ceiling view. For every page:
wrk -t2 -c16 for --duration seconds after a short warm-up; SQL queries per page are counted once
with Django's test client against the same database. Prints a table and writes JSON to
bench/results/.
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
    base = [wrk, "-t2", "-c16", "--latency", "-H", f"Cookie: {cookie}"]
    subprocess.run([*base, "-d2s", url], check=True, capture_output=True)  # warm-up
    out = subprocess.run([*base, f"-d{duration}s", url], check=True, capture_output=True, text=True).stdout
    return parse_wrk(out)


def pages(env: dict) -> tuple[list[tuple[str, str, int]], str, str]:
    """(label, path, expected status) for each page, from the bench data, plus the bench login."""
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
    return (
        [
            ("ceiling (bare view)", "/bench/ceiling/", 200),
            ("same bytes, no template", "/bench/static/", 200),
            ("front page", "/", 200),
            ("category list", f"/sortiment/{slug}/", 200),
            ("word search", "/sok/?q=stikkontakt+hvit", 200),
            ("number search", f"/sok/?q={el_number}", 302),
            ("product page", f"/produkt/{sku}/", 200),
            ("cart (50 lines)", "/handlekurv/", 200),
            ("order history", "/ordre/", 200),
        ],
        email,
        password,
    )


def count_queries(env: dict, cookie: str, paths: list[tuple[str, str, int]]) -> dict[str, dict]:
    """SQL queries and status per page with the test client (second request: warm caches)."""
    code = (
        "import django, json, sys; django.setup()\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "cookie, paths = json.loads(sys.stdin.read())\n"
        "client = Client()\n"
        "for part in cookie.split('; '):\n"
        "    k, v = part.split('=', 1); client.cookies[k] = v\n"
        "result = {}\n"
        "for label, path, expected in paths:\n"
        "    client.get(path)\n"
        "    with CaptureQueriesContext(connection) as ctx:\n"
        "        response = client.get(path)\n"
        "    result[path] = {'queries': len(ctx.captured_queries), 'status': response.status_code,\n"
        "                    'bytes': len(response.content)}\n"
        "print(json.dumps(result))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, input=json.dumps([cookie, paths]),
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--only", default="", help="comma-separated words to pick pages (ceiling always runs)")
    parser.add_argument(
        "--rounds", type=int, default=1,
        help="measure every page this many times, interleaved, and report the median round (default 1)",
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
        page_list = [p for p in page_list if p[1].startswith("/bench/") or any(w in p[0] for w in words)]

    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
         "--access-logfile", "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null", "--log-level", "warning"],
        env=env, cwd=ROOT, start_new_session=True,
    )
    try:
        wait_for(f"{base}/healthz")
        cookie = login(base, email, password)
        queries = count_queries(env, cookie, page_list)
        for label, path, expected in page_list:
            if queries[path]["status"] != expected:
                sys.exit(f"{label} {path}: status {queries[path]['status']}, expected {expected}")
        # Rounds are interleaved (every page once, then again) so that a noisy minute on a shared
        # machine hits every page alike; each page reports its median round by req/s.
        results = {path: [] for _label, path, _expected in page_list}
        for round_no in range(args.rounds):
            for label, path, _expected in page_list:
                print(f"  [{round_no + 1}/{args.rounds}] {label} …", end="", flush=True)
                result = run_wrk(wrk, base + path, cookie, args.duration)
                print(f" {result['rps']:.0f} req/s", flush=True)
                results[path].append(result)
        rows = []
        for label, path, _expected in page_list:
            ranked = sorted(results[path], key=lambda r: r["rps"])
            median = ranked[len(ranked) // 2]
            rows.append({"page": label, "path": path, **median, **queries[path],
                         "rounds_rps": [r["rps"] for r in results[path]]})
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    ceiling = rows[0]["rps"]
    print()
    print("| page | req/s | p50 ms | p99 ms | SQL queries | vs ceiling |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        row["ratio"] = row["rps"] / ceiling if ceiling else 0
        flag = "" if row["non_2xx_3xx"] == 0 else f" ({row['non_2xx_3xx']} errors)"
        print(
            f"| {row['page']}{flag} | {row['rps']:,.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | "
            f"{row['queries']} | {row['ratio']:.0%} |"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    meta = {"when": stamp, "nproc": os.cpu_count(), "workers": args.workers, "duration_s": args.duration,
            "rounds": args.rounds,
            "wrk": "-t2 -c16", "load_average": os.getloadavg()}
    (RESULTS / f"pages-{stamp}.json").write_text(json.dumps({"meta": meta, "pages": rows}, indent=2))
    print(f"\nload average {os.getloadavg()[0]:.2f}; results in bench/results/pages-{stamp}.json")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
