#!/usr/bin/env python3
"""xa_server.py - a small one-stop system with a shape of its own, for
tests/integration/profile_actions.sh: a system motcua does not ship, onboarded
with a profile only.

Its shape is unlike the five built-in dialects: the feed is nested under
data.records with kebab-case Vietnamese-ish names, dates are epoch seconds,
statuses are its own words, each record carries a counter "phien-ban", the
receive action takes an optional Idempotency-Key header (an answer is
replayed for a key seen before), the refuse action has no key at all, and
errors are {"loi": {"ma": ..., "thong-diep": ...}} with statuses of its own
(201 applied, 409 version moved, 422 refused).

Control (for the test, not motcua): GET /_ctl/stats, POST /_ctl/bump?code=,
/_ctl/refuse?code=, /_ctl/hold?s= (answers to actions wait s seconds after
applying them: a kill -9 of the replay lands while the answer is pending).

Listens on 127.0.0.1, port 0 (the kernel picks a free one), and prints
"xa_server: listening on http://127.0.0.1:PORT" once ready.
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

LOCK = threading.Lock()
NOW = 1773282600  # 2026-03-12 09:30 +07
RECORDS = {}
APPLIED = {}       # code -> applications
REQUESTS = {}      # "code/action" -> requests received
KEYS = {}          # idempotency key -> [applications, requests]
ANSWERS = {}       # idempotency key -> (status, body)
REFUSE = set()
HOLD = [0.0]

for i in range(1, 13):
    code = "XA-%04d" % i
    RECORDS[code] = {
        "ma-hs": code,
        "tinh-trang": "cho-tiep-nhan" if i <= 8 else "dang-xu-ly",
        "nguoi-nop": {"ho-ten": "Người Nộp %d" % i, "so-dinh-danh": "THU-NGHIEM-%03d" % i},
        "thu-tuc": {"ma": "XA.TT.%02d" % (i % 3), "ten": "Thủ tục xã số %d" % (i % 3)},
        "don-vi": "UBND xã Hòa Bình",
        "ngay-nop": NOW - 86400 * i,
        "cap-nhat": NOW - 3600 * i,
        "phien-ban": 1,
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("xa_server: " + (fmt % args) + "\n")

    def reply(self, status, obj):
        body = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n > 0 else b""
        try:
            return json.loads(raw) if raw else {}
        except ValueError:
            return None

    def do_GET(self):
        u = urlsplit(self.path)
        q = parse_qs(u.query)
        if u.path == "/_ctl/stats":
            with LOCK:
                return self.reply(200, {"applied": APPLIED, "requests": REQUESTS,
                                        "keys": KEYS})
        if u.path == "/hs-api/v2/danh-sach":
            since = int(q.get("tu", ["0"])[0])
            page = int(q.get("trang", ["1"])[0])
            size = int(q.get("co", ["5"])[0])
            with LOCK:
                rows = sorted((r for r in RECORDS.values() if r["cap-nhat"] >= since),
                              key=lambda r: (r["cap-nhat"], r["ma-hs"]))
                part = rows[(page - 1) * size:page * size]
                more = page * size < len(rows)
                return self.reply(200, {"trang-thai-yeu-cau": "ok",
                                        "data": {"records": part, "con-nua": more}})
        if u.path.startswith("/hs-api/v2/ho-so/"):
            code = unquote(u.path[len("/hs-api/v2/ho-so/"):])
            with LOCK:
                r = RECORDS.get(code)
                if r is None:
                    return self.reply(404, {"loi": {"ma": "KHONG-CO",
                                                    "thong-diep": "Không có hồ sơ"}})
                return self.reply(200, {"trang-thai-yeu-cau": "ok", "data": {"record": r}})
        self.reply(404, {"loi": {"ma": "KHONG-CO", "thong-diep": "Không có đường dẫn"}})

    def do_POST(self):
        u = urlsplit(self.path)
        q = parse_qs(u.query)
        if u.path.startswith("/_ctl/"):
            with LOCK:
                if u.path == "/_ctl/bump":
                    r = RECORDS[q["code"][0]]
                    r["phien-ban"] += 1
                    r["cap-nhat"] += 1
                elif u.path == "/_ctl/refuse":
                    REFUSE.add(q["code"][0])
                elif u.path == "/_ctl/hold":
                    HOLD[0] = float(q["s"][0])
            return self.reply(200, {"ok": True})
        parts = u.path.split("/")
        # /hs-api/v2/ho-so/CODE/ACTION
        if len(parts) != 6 or parts[1:4] != ["hs-api", "v2", "ho-so"]:
            return self.reply(404, {"loi": {"ma": "KHONG-CO", "thong-diep": "Không có"}})
        code, act = unquote(parts[4]), parts[5]
        body = self.body()
        key = self.headers.get("Idempotency-Key")
        with LOCK:
            REQUESTS[code + "/" + act] = REQUESTS.get(code + "/" + act, 0) + 1
            if key is not None:
                KEYS.setdefault(key, [0, 0])[1] += 1
                if key in ANSWERS:
                    st, ans = ANSWERS[key]
                    return self.reply(st, ans)
            st, ans = self.apply(code, act, body, key)
            if key is not None:
                ANSWERS[key] = (st, ans)
            hold = HOLD[0] if st == 201 else 0
        if hold > 0:
            time.sleep(hold)
        self.reply(st, ans)

    def apply(self, code, act, body, key):
        r = RECORDS.get(code)
        if r is None:
            return 404, {"loi": {"ma": "KHONG-CO", "thong-diep": "Không có hồ sơ"}}
        if body is None or not isinstance(body, dict):
            return 400, {"loi": {"ma": "SAI", "thong-diep": "Thân yêu cầu không đọc được"}}
        if act == "tiep-nhan":
            if body.get("phien-ban") != r["phien-ban"]:
                return 409, {"loi": {"ma": "LECH-PHIEN-BAN",
                                     "thong-diep": "Hồ sơ đã được sửa ở nơi khác"},
                             "data": {"record": r}}
            if code in REFUSE:
                return 422, {"loi": {"ma": "THIEU-GIAY-TO",
                                     "thong-diep": "Hồ sơ thiếu bản sao CCCD"}}
            if r["tinh-trang"] != "cho-tiep-nhan":
                return 422, {"loi": {"ma": "SAI-TRANG-THAI",
                                     "thong-diep": "Hồ sơ không chờ tiếp nhận"}}
            r["tinh-trang"] = "da-tiep-nhan"
        elif act == "tu-choi":
            if not body.get("ly-do"):
                return 422, {"loi": {"ma": "THIEU-LY-DO", "thong-diep": "Cần lý do"}}
            if r["tinh-trang"] != "cho-tiep-nhan":
                return 422, {"loi": {"ma": "SAI-TRANG-THAI",
                                     "thong-diep": "Hồ sơ không chờ tiếp nhận"}}
            r["tinh-trang"] = "tu-choi"
        else:
            return 404, {"loi": {"ma": "KHONG-CO", "thong-diep": "Không có thao tác"}}
        r["phien-ban"] += 1
        r["cap-nhat"] += 60
        APPLIED[code] = APPLIED.get(code, 0) + 1
        if key is not None:
            KEYS[key][0] += 1
        return 201, {"ket-qua": "xong", "data": {"record": r}}


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    print("xa_server: listening on http://127.0.0.1:%d" % srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
