"""The researchmap V2 fixtures of tests/profiles/fixtures/researchmap (see its README), and a
local researchmap WebAPI for them: an HTTP server in the test process that checks the OAuth 2.0
JWT bearer grant (RS256, against the client's public key) and serves a researcher's profile and
achievement lists page by page, as the WebAPI does."""

from __future__ import annotations

import copy
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

FIXTURES = Path(__file__).parent / "fixtures" / "researchmap"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def fixture(name: str) -> dict:
    return json.loads(fixture_text(name))


def free_port() -> int:
    """A free port in this engineer's range (8660–8669) when one is free, else any."""
    for port in range(8660, 8670):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FakeResearchmap:
    """researchmap's WebAPI for the given researcher documents.

    - POST /oauth2/token: grant_type jwt-bearer, `assertion` an RS256 JWT whose iss is the
      client id and aud this token endpoint, `version` 2; answers an access token.
    - GET /<permalink>: the profile with its @graph cut to one item per type (as a profile
      answer is not the whole list), GET /<permalink>/<type>?start=&limit=: the full list, paged.
    Every GET needs `Authorization: Bearer <token>`; requests are recorded in `requests`.
    """

    def __init__(self, documents: list[dict], *, client_id: str, public_key_pem: bytes):
        self.documents = {d["permalink"]: d for d in documents}
        self.client_id = client_id
        self.public_key_pem = public_key_pem
        self.tokens: set[str] = set()
        self.requests: list[tuple[str, str]] = []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.fail_token = False
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _handler(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, status: int, body) -> None:
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/ld+json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # noqa: N802 (http.server's name)
                api.requests.append(("POST", self.path))
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlparse(self.path).path != "/oauth2/token":
                    return self._json(404, {"error": "not_found"})
                if api.fail_token:
                    return self._json(400, {"error": "invalid_client"})
                if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
                    return self._json(400, {"error": "unsupported_grant_type"})
                if form.get("version") != "2":
                    return self._json(400, {"error": "invalid_version"})
                import jwt

                try:
                    claims = jwt.decode(
                        form.get("assertion", ""),
                        api.public_key_pem,
                        algorithms=["RS256"],
                        audience=f"{api.url}/oauth2/token",
                    )
                except jwt.PyJWTError as exc:
                    return self._json(
                        400, {"error": "invalid_grant", "error_description": str(exc)}
                    )
                if claims.get("iss") != api.client_id:
                    return self._json(400, {"error": "invalid_client"})
                token = f"token-{len(api.tokens) + 1}"
                api.tokens.add(token)
                return self._json(
                    200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600}
                )

            def do_GET(self):  # noqa: N802
                api.requests.append(("GET", self.path))
                auth = self.headers.get("Authorization", "")
                if not auth.startswith("Bearer ") or auth[7:] not in api.tokens:
                    return self._json(401, {"error": "invalid_token"})
                url = urlparse(self.path)
                parts = [p for p in url.path.split("/") if p]
                doc = api.documents.get(parts[0]) if parts else None
                if doc is None:
                    return self._json(404, {"error": "not_found"})
                if len(parts) == 1:
                    profile = copy.deepcopy(doc)
                    for entry in profile.get("@graph", []):
                        entry["items"] = entry.get("items", [])[:1]
                    return self._json(200, profile)
                kind = parts[1]
                items = next(
                    (e.get("items", []) for e in doc.get("@graph", []) if e["@type"] == kind), []
                )
                query = parse_qs(url.query)
                start = int(query.get("start", ["1"])[0])
                limit = int(query.get("limit", ["100"])[0])
                return self._json(
                    200,
                    {
                        "@id": f"https://api.researchmap.jp/{parts[0]}/{kind}",
                        "@type": kind,
                        "total_items": len(items),
                        "items": items[start - 1 : start - 1 + limit],
                    },
                )

        return Handler


def rsa_key_pair() -> tuple[bytes, bytes]:
    """A fresh RSA key pair (private PEM, public PEM) for a test client."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met before the deadline")
