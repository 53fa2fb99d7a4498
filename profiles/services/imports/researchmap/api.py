"""The researchmap V2 WebAPI client of `manage.py import_researchmap --api`.

Authentication is researchmap's OAuth 2.0 JWT bearer grant: the client signs a short-lived JWT
(RS256; `iss` the client id, `aud` the token endpoint, `sub` "0") with the private key it
registered with researchmap and posts it to `<base>/oauth2/token` with `grant_type`
`urn:ietf:params:oauth:grant-type:jwt-bearer`, `scope` and `version=2`; the answer's
`access_token` goes into `Authorization: Bearer …`. The base URL, client id, key and scope are
settings (config/settings/: RESEARCHMAP_API_URL, RESEARCHMAP_CLIENT_ID,
RESEARCHMAP_PRIVATE_KEY or RESEARCHMAP_PRIVATE_KEY_FILE, RESEARCHMAP_SCOPE).

For each permalink: `GET <base>/<permalink>` (the researcher, JSON-LD) and, for each type the
importer uses, `GET <base>/<permalink>/<type>?start=&limit=` page by page (a profile answer
need not hold every item). The lists replace the profile's `@graph` entries, so each
researcher becomes one document in the stored data, exactly like a line of an institution's
JSON Lines export, and the same reader imports both.

Why PyJWT and requests rather than an OAuth library: the grant is one form POST with a signed
JWT; PyJWT (with `cryptography` for RS256) is the maintained standard for the JWT, and requests
(already installed with the embedding libraries) does the HTTP. OAuthlib/requests-oauthlib
would add a dependency for the same single request.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from profiles import links

from .format import Problem

FETCHED_TYPES = (
    "research_interests",
    "research_areas",
    "research_projects",
    "industrial_property_rights",
    "published_papers",
)
PAGE_SIZE = 1000  # the largest `limit` the V2 API accepts
MAX_PAGES = 100
RETRIES = 2
GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ACCEPT = "application/ld+json, application/json;q=0.9"


class ResearchmapAPIError(Exception):
    """The WebAPI answered something other than the data asked for."""


class ResearchmapNotConfigured(ResearchmapAPIError):
    """Settings are missing or unusable: nothing can be fetched."""


class ResearchmapAuthError(ResearchmapAPIError):
    """The WebAPI refused the client: nothing can be fetched."""


class ResearcherNotFound(ResearchmapAPIError):
    pass


@dataclass
class ResearchmapClient:
    base_url: str
    client_id: str
    private_key: str
    scope: str = "read"
    timeout: float = 30.0
    page_size: int = PAGE_SIZE
    retry_delay: float = 1.0
    session: requests.Session = field(default_factory=requests.Session)
    _token: str = ""

    @classmethod
    def from_settings(cls, **overrides) -> ResearchmapClient:
        missing = [
            name
            for name, value in (
                ("RESEARCHMAP_CLIENT_ID", settings.RESEARCHMAP_CLIENT_ID),
                (
                    "RESEARCHMAP_PRIVATE_KEY (or RESEARCHMAP_PRIVATE_KEY_FILE)",
                    settings.RESEARCHMAP_PRIVATE_KEY,
                ),
            )
            if not value
        ]
        if missing:
            raise ResearchmapNotConfigured(
                _(
                    "researchmap WebAPI の認証情報が設定されていません: %(names)s。"
                    "researchmap に登録したクライアントIDと秘密鍵を環境変数で指定してください。"
                )
                % {"names": ", ".join(missing)}
            )
        values = {
            "base_url": settings.RESEARCHMAP_API_URL,
            "client_id": settings.RESEARCHMAP_CLIENT_ID,
            "private_key": settings.RESEARCHMAP_PRIVATE_KEY,
            "scope": settings.RESEARCHMAP_SCOPE,
            "timeout": settings.RESEARCHMAP_TIMEOUT,
        }
        values.update(overrides)
        return cls(**values)

    @property
    def token_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/oauth2/token"

    def assertion(self) -> str:
        import jwt

        now = int(time.time())
        claims = {
            "iss": self.client_id,
            "aud": self.token_url,
            "sub": "0",
            "iat": now - 5,
            "exp": now + 300,
        }
        try:
            return jwt.encode(claims, self.private_key, algorithm="RS256")
        except (ValueError, TypeError, jwt.PyJWTError) as exc:
            raise ResearchmapNotConfigured(
                _("RESEARCHMAP_PRIVATE_KEY を RS256 の秘密鍵 (PEM) として読めません。")
            ) from exc

    def token(self, *, refresh: bool = False) -> str:
        if self._token and not refresh:
            return self._token
        response = self._send(
            "POST",
            self.token_url,
            data={
                "grant_type": GRANT_TYPE,
                "assertion": self.assertion(),
                "scope": self.scope,
                "version": "2",
            },
        )
        body = _json_or_empty(response)
        if response.status_code != 200 or not body.get("access_token"):
            raise ResearchmapAuthError(
                _(
                    "researchmap がアクセストークンを発行しませんでした (HTTP %(status)s %(error)s)。"
                )
                % {"status": response.status_code, "error": _error_text(body)}
            )
        self._token = str(body["access_token"])
        return self._token

    def _send(self, method: str, url: str, **kwargs) -> requests.Response:
        """One request, retried (RETRIES times) on connection errors, 429 and 5xx."""
        for attempt in range(RETRIES + 1):
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.RequestException as exc:
                if attempt == RETRIES:
                    raise ResearchmapAPIError(
                        _("researchmap に接続できません (%(reason)s)。")
                        % {"reason": type(exc).__name__}
                    ) from exc
            else:
                if response.status_code != 429 and response.status_code < 500:
                    return response
                if attempt == RETRIES:
                    return response
            time.sleep(self.retry_delay * (attempt + 1))
        raise AssertionError("unreachable")

    def get(self, path: str, params: dict | None = None) -> dict:
        url = f"{self.base_url.rstrip('/')}/{path.lstrip('/')}"
        for refreshed in (False, True):
            headers = {"Authorization": f"Bearer {self.token(refresh=refreshed)}", "Accept": ACCEPT}
            response = self._send("GET", url, params=params, headers=headers)
            if response.status_code != 401:
                break
        body = _json_or_empty(response)
        if response.status_code == 404:
            raise ResearcherNotFound(_("researchmap にこの研究者がありません (HTTP 404)。"))
        if response.status_code in (401, 403):
            raise ResearchmapAuthError(
                _("researchmap が読み取りを許可しませんでした (HTTP %(status)s %(error)s)。")
                % {"status": response.status_code, "error": _error_text(body)}
            )
        if response.status_code != 200 or not isinstance(body, dict):
            raise ResearchmapAPIError(
                _("researchmap の応答を読めません (HTTP %(status)s %(error)s)。")
                % {"status": response.status_code, "error": _error_text(body)}
            )
        return body

    def achievements(self, permalink: str, kind: str) -> list:
        """Every item of one achievement type, page by page (`start` counts from 1)."""
        items: list = []
        start = 1
        for _page in range(MAX_PAGES):
            page = self.get(f"{permalink}/{kind}", {"start": start, "limit": self.page_size})
            batch = page.get("items") or []
            if not isinstance(batch, list):
                raise ResearchmapAPIError(_("業績一覧 (items) がリストではありません。"))
            items += batch
            total = page.get("total_items")
            if len(batch) < self.page_size or (isinstance(total, int) and len(items) >= total):
                break
            start += self.page_size
        return items

    def researcher(self, permalink: str) -> dict:
        """The researcher's document with the full list of every type the importer uses."""
        doc = self.get(permalink)
        graph = [
            e
            for e in (doc.get("@graph") or [])
            if not (isinstance(e, dict) and e.get("@type") in FETCHED_TYPES)
        ]
        for kind in FETCHED_TYPES:
            graph.append({"@type": kind, "items": self.achievements(permalink, kind)})
        doc["@graph"] = graph
        doc.setdefault("permalink", permalink)
        return doc


def fetch_researchers(client: ResearchmapClient, permalinks: list[str]) -> tuple[str, list[dict]]:
    """The researchers as JSON Lines (one document each), and a report entry for each one that
    could not be fetched. Settings and authentication errors are raised: nothing is imported."""
    lines: list[str] = []
    errors: list[dict] = []
    for permalink in permalinks:
        if not links.is_researchmap_id(permalink):
            errors.append(
                Problem(
                    researcher=permalink,
                    field="permalink",
                    reason=str(links.RESEARCHMAP_ID_MESSAGE % {"value": permalink}),
                ).as_dict()
            )
            continue
        try:
            doc = client.researcher(permalink)
        except (ResearchmapNotConfigured, ResearchmapAuthError):
            raise
        except ResearchmapAPIError as exc:
            errors.append(Problem(researcher=permalink, reason=str(exc)).as_dict())
            continue
        lines.append(json.dumps(doc, ensure_ascii=False))
    return "\n".join(lines), errors


def _json_or_empty(response: requests.Response):
    try:
        return response.json()
    except ValueError:
        return {}


def _error_text(body) -> str:
    if isinstance(body, dict):
        return " ".join(str(body[k]) for k in ("error", "error_description") if body.get(k))[:200]
    return ""
