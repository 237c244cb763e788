#!/usr/bin/env python3
"""A local imitation of the Scalingo API for the archive benchmark (scripts/bench-archive.sh).

  fake-scalingo.py make DIR [SESSIONS] [MEGABYTES]
      writes SESSIONS audit logs (default 1000, about MEGABYTES in all, default 1000) into
      DIR/logs/, made from the fixture recordings (tests/fixtures/recordings/): each log
      repeats one fixture with later times and its own words, so that no two are alike; some
      sessions have known commands planted in them (DIR/planted.json says which).
  fake-scalingo.py serve DIR PORT
      serves them on 127.0.0.1:PORT: the token exchange, the app's run events (100 a page,
      newest first) and each audit log; every audit-log download is appended to
      DIR/downloads.log.

Only 127.0.0.1 is listened on. Standard library only.
"""

import base64
import datetime
import http.server
import json
import os
import random
import re
import sys
import threading

APP = "bench-app"
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "tests", "fixtures", "recordings")
ZONE = datetime.timezone(datetime.timedelta(hours=2))
START = datetime.datetime(2026, 1, 1, 8, 0, 0, tzinfo=ZONE)

# (every Nth session from the Kth, command typed, output shown)
PLANTED = [
    (100, 7, "psql -c 'DROP TABLE orders_archive'", "DROP TABLE"),
    (250, 3, "cat .env", "SECRET_KEY=bench-zebra-secret"),
    (50, 11, "rm -rf /srv/app/tmp/cache", ""),
]


def parse(s):
    """An RFC 3339 time with up to nanoseconds (Python reads microseconds)."""
    m = re.match(r"(.*T\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$", s)
    frac = (m.group(2) or ".0")[:7]
    zone = "+00:00" if m.group(3) == "Z" else m.group(3)
    return datetime.datetime.fromisoformat(m.group(1) + frac.ljust(7, "0") + zone)


def stamp(t):
    return t.isoformat(timespec="microseconds")


def fixture_events():
    out = []
    for name in sorted(os.listdir(FIXTURES)):
        if name.endswith(".json"):
            with open(os.path.join(FIXTURES, name)) as f:
                events = json.load(f)
            t0 = parse(events[0]["time"])
            rel = [((parse(e["time"]) - t0).total_seconds(), e["type"], e["content"]) for e in events]
            out.append((name, rel))
    return out


def make(folder, sessions, megabytes):
    logs = os.path.join(folder, "logs")
    os.makedirs(logs, exist_ok=True)
    fixtures = fixture_events()
    rng = random.Random(15)
    # sizes from a quarter to twice the mean, adding up to about MEGABYTES
    mean = megabytes * 1_000_000 / sessions
    factors = [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75]
    planted = {}
    index = []
    for k in range(sessions):
        name, rel = fixtures[k % len(fixtures)]
        target = int(mean * factors[k % len(factors)])
        start = START + datetime.timedelta(hours=k)
        path = os.path.join(logs, f"log-{k}.json")
        size = 0
        rep = 0
        offset = 0.0
        with open(path, "w") as f:
            f.write("[\n")
            first = True

            def put(t, kind, content):
                nonlocal first, size
                line = ("" if first else ",\n") + json.dumps(
                    {"time": stamp(start + datetime.timedelta(seconds=t)), "content": content, "type": kind}
                )
                first = False
                f.write(line)
                size += len(line)

            for every, at, cmd, answer in PLANTED:
                if k % every == at:
                    put(0.5, "input", cmd + "\r")
                    put(0.51, "output", cmd + "\r\n" + (answer + "\r\n" if answer else "") + "$ ")
                    planted.setdefault(cmd, []).append(f"log-{k}")
                    offset = 1.0
            while size < target:
                word = f"s{k}r{rep}x{rng.randrange(16**6):06x}"
                for t, kind, content in rel:
                    # each repetition's own words: the variant's bytes differ
                    if kind == "output" and "hello" in content:
                        content = content.replace("hello", "hello " + word)
                    put(offset + t, kind, content)
                put(offset + rel[-1][0] + 0.1, "output", f"\r\nbatch {word} done\r\n")
                offset += rel[-1][0] + 1.0
                rep += 1
            f.write("\n]\n")
        real = os.path.getsize(path)
        index.append({"k": k, "id": f"log-{k}", "size": real, "created_at": stamp(start), "fixture": name})
    with open(os.path.join(folder, "sessions.json"), "w") as f:
        json.dump(index, f)
    with open(os.path.join(folder, "planted.json"), "w") as f:
        json.dump(planted, f, indent=1)
    total = sum(s["size"] for s in index)
    print(f"{sessions} audit logs, {total / 1e6:.0f} MB, in {logs}")


def jwt():
    enc = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    head = enc(b'{"alg":"HS512","typ":"JWT"}')
    exp = int(datetime.datetime.now().timestamp()) + 86400
    body = enc(json.dumps({"exp": exp, "iss": "Scalingo", "uuid": "us-bench"}).encode())
    return f"{head}.{body}.{enc(b'bench-signature-0123456789')}"


def serve(folder, port):
    with open(os.path.join(folder, "sessions.json")) as f:
        sessions = json.load(f)
    newest = list(reversed(sessions))
    lock = threading.Lock()
    users = ["ann@acme.io", "bob@acme.io", "cid@acme.io"]

    def event(s):
        user = users[s["k"] % len(users)]
        return {
            "id": f"ev-{s['k']}",
            "created_at": s["created_at"],
            "type": "run",
            "app_name": APP,
            "user": {"username": user.split("@")[0], "email": user, "id": "us-1"},
            "type_data": {"command": "bash", "audit_log_id": s["id"], "audit_log_size": s["size"], "detached": False},
        }

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, code, body, kind="application/json"):
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            if self.path == "/v1/tokens/exchange":
                return self.reply(200, json.dumps({"token": jwt()}).encode())
            self.reply(404, b'{"error":"not found"}')

        def do_GET(self):
            path, _, query = self.path.partition("?")
            params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
            if path == f"/v1/apps/{APP}/events":
                page = int(params.get("page", "1"))
                per = int(params.get("per_page", "100"))
                pages = max(1, (len(newest) + per - 1) // per)
                chunk = newest[(page - 1) * per : page * per]
                body = {
                    "events": [event(s) for s in chunk],
                    "meta": {"pagination": {"current_page": page, "next_page": page + 1 if page < pages else None,
                                            "prev_page": page - 1 if page > 1 else None, "total_pages": pages,
                                            "total_count": len(newest)}},
                }
                return self.reply(200, json.dumps(body).encode())
            prefix = f"/v1/apps/{APP}/audit_logs/"
            if path.startswith(prefix):
                name = path[len(prefix):]
                file = os.path.join(folder, "logs", name + ".json")
                if "/" in name or not os.path.isfile(file):
                    return self.reply(404, b'{"error":"not found"}')
                with lock, open(os.path.join(folder, "downloads.log"), "a") as log:
                    log.write(name + "\n")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(os.path.getsize(file)))
                self.end_headers()
                with open(file, "rb") as f:
                    while True:
                        b = f.read(1 << 20)
                        if not b:
                            break
                        self.wfile.write(b)
                return None
            self.reply(404, b'{"error":"not found"}')

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print(f"serving {len(sessions)} sessions on http://127.0.0.1:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1000,
             int(sys.argv[4]) if len(sys.argv) > 4 else 1000)
    elif len(sys.argv) == 4 and sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)
