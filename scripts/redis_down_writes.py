"""Time four API writes against a running web process (docs/reliability.md, "Before and after").

    python scripts/redis_down_writes.py BASE_URL TOKEN warm     # a few reads, to warm it up
    redis-cli -p PORT shutdown nosave                             # the broker/cache goes away
    python scripts/redis_down_writes.py BASE_URL TOKEN            # create, CSV import, register, publish

TOKEN is the API token of a member of an approved company. Prints each call's status and
seconds. Standard library only, so the same script measures any revision of the code.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request
import uuid


def call(base, token, method, path, body=None, csv=None, auth=True, timeout=120):
    headers = {"Accept": "application/json"}
    if auth:
        headers["Authorization"] = f"Token {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if csv is not None:
        b = uuid.uuid4().hex
        data = (
            (
                f'--{b}\r\nContent-Disposition: form-data; name="dry_run"\r\n\r\nfalse\r\n'
                f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="n.csv"\r\n'
                "Content-Type: text/csv\r\n\r\n"
            ).encode()
            + csv
            + f"\r\n--{b}--\r\n".encode()
        )
        headers["Content-Type"] = f"multipart/form-data; boundary={b}"
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, out = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, out = exc.code, exc.read()
    except OSError as exc:
        status, out = type(exc).__name__, b""
    return status, round(time.monotonic() - started, 3), out


def main() -> None:
    base, token = sys.argv[1].rstrip("/"), sys.argv[2]
    if sys.argv[3:] == ["warm"]:
        for _ in range(4):
            print("warm-up", call(base, token, "GET", "/api/needs/")[:2])
        return
    run = uuid.uuid4().hex[:6]
    csv = (
        "title,description\n"
        + "".join(f"停止中の取り込み {i} {run},全固体電池 固体電解質 {i}\n" for i in range(5))
    ).encode()
    need = {"title": f"停止中のニーズ {run}", "description": "全固体電池 固体電解質"}
    status, seconds, out = call(base, token, "POST", "/api/needs/", need)
    print("create a need", status, seconds)
    print("CSV import, 5 rows", *call(base, token, "POST", "/api/needs/import/", csv=csv)[:2])
    registration = {
        "kind": "company",
        "name": f"停止中登録株式会社 {run}",
        "prefecture": "東京都",
        "username": f"down-{run}",
        "email": f"down-{run}@example.jp",
        "password": "kougaku-Renkei-2026",
    }
    print(
        "registration", *call(base, token, "POST", "/api/register/", registration, auth=False)[:2]
    )
    if status == 201:
        need_id = json.loads(out)["id"]
        print("publish the need", *call(base, token, "POST", f"/api/needs/{need_id}/publish/")[:2])
    for probe in ("/healthz", "/readyz"):
        print(probe, *call(base, token, "GET", probe)[:2])


if __name__ == "__main__":
    main()
