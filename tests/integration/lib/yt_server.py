#!/usr/bin/env python3
"""yt_server.py - a second system motcua does not ship, with a shape unlike
the five built-in dialects and unlike xa_server.py, for
tests/integration/profile_onboard.sh (issue 18): a health-insurance-like
card system.

- Every request needs the header X-Khoa-Truy-Cap (an API key); without it, or
  with another, 401 {"error": {"message": "..."}}.
- GET /api/the?tu=dd-MM-yyyy HH:mm&so=N: the records changed at or after
  `tu` (minutes), oldest first, N a page, nested under du-lieu.ho-so; the
  next page is named only by a Link header, rel="next", with an opaque
  `sau` position.
- Dates are "dd-MM-yyyy HH:mm" in Vietnam time; statuses are its own words
  (MOI, DANG_XU_LY, XONG, and TAM_DUNG on two records, which a first profile
  does not know).
- GET /api/the/CODE: one record with its history (lich-su), files (tep),
  fees (phi), receipts (bien-lai) and payment (thanh-toan), which the feed
  does not carry.
- GET /_ctl/stats: requests seen, refused for the key, pages served.

Listens on 127.0.0.1, port 0, and prints
"yt_server: listening on http://127.0.0.1:PORT" once ready.  The key the
server accepts is read from the environment YT_KEY_FILE (a file), so it is
never on a command line.
"""
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

LOCK = threading.Lock()
with open(os.environ["YT_KEY_FILE"]) as f:
    KEY = f.read().strip()
STATS = {"requests": 0, "no_key": 0, "pages": 0, "details": 0}
RECORDS = {}


def hm(day, hour, minute):
    return "%02d-12-2026 %02d:%02d" % (day, hour, minute)


def minutes(s):
    d, m, rest = s.split("-")
    y, t = rest.split(" ")
    hh, mm = t.split(":")
    return ((int(d) * 24 + int(hh)) * 60) + int(mm) if (m, y) == ("12", "2026") else -1


for i in range(1, 10):
    code = "YT-%04d" % i
    st = "MOI" if i <= 4 else "DANG_XU_LY" if i <= 6 else "TAM_DUNG" if i <= 8 else "XONG"
    RECORDS[code] = {
        "ma": code,
        "tt": st,
        "chu-the": {"ten": "Người Thử %d" % i},
        "thu-tuc": "Cấp lại thẻ BHYT",
        "nhan-luc": hm(1, 8, i),
        "sua-luc": hm(2, 9, i),
    }


def detail(r):
    d = dict(r)
    d["lich-su"] = [
        {"luc": r["nhan-luc"], "ai": "Cán bộ Thử", "viec": "Tiếp nhận hồ sơ", "tt": "MOI"},
        {"luc": r["sua-luc"], "ai": "Cán bộ Thử", "viec": "Chuyển xử lý", "tt": r["tt"]},
    ]
    d["tep"] = [{"ma": "t1", "ten": "to-khai.pdf", "duong-dan": "/api/tep/t1", "co": 1024}]
    d["phi"] = [{"ma": "PHI-THE", "ten": "Phí cấp lại thẻ", "tien": "20000"}]
    d["bien-lai"] = [{"so": "0000042", "ky-hieu": "1C26TYT", "tien": 20000,
                      "luc": r["sua-luc"]}]
    d["thanh-toan"] = {"tt": "DA_NOP", "kenh": "Chuyển khoản"}
    return d


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("yt_server: " + (fmt % args) + "\n")

    def reply(self, status, obj, link=None):
        body = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if link is not None:
            self.send_header("Link", link)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urlsplit(self.path)
        q = parse_qs(u.query)
        if u.path == "/_ctl/stats":
            with LOCK:
                return self.reply(200, STATS)
        with LOCK:
            STATS["requests"] += 1
            if self.headers.get("X-Khoa-Truy-Cap") != KEY:
                STATS["no_key"] += 1
                return self.reply(401, {"error": {"message": "Thiếu khoá truy cập"}})
        if u.path == "/api/the":
            since = minutes(q["tu"][0]) if "tu" in q else 0
            size = int(q.get("so", ["3"])[0])
            after = q.get("sau", [""])[0]
            with LOCK:
                STATS["pages"] += 1
                rows = sorted((r for r in RECORDS.values() if minutes(r["sua-luc"]) >= since),
                              key=lambda r: (minutes(r["sua-luc"]), r["ma"]))
                if after:
                    rows = [r for r in rows if r["ma"] > after]
                part = rows[:size]
                link = None
                if len(rows) > size:
                    nxt = "/api/the?sau=%s&so=%d" % (part[-1]["ma"], size)
                    if "tu" in q:
                        nxt += "&tu=" + quote(q["tu"][0])
                    link = '<%s>; rel="next", </api/the>; rel="first"' % nxt
                return self.reply(200, {"du-lieu": {"ho-so": part}}, link)
        if u.path.startswith("/api/the/"):
            code = unquote(u.path[len("/api/the/"):])
            with LOCK:
                STATS["details"] += 1
                r = RECORDS.get(code)
                if r is None:
                    return self.reply(404, {"error": {"message": "Không có hồ sơ"}})
                return self.reply(200, {"ho-so": detail(r)})
        self.reply(404, {"error": {"message": "Không có đường dẫn %s" % u.path}})


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    print("yt_server: listening on http://127.0.0.1:%d" % srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
