"""The axis as an LGSP-style REST service: ``POST /packages`` (the edXML body; receivers and type in
headers), ``GET /packages`` (what waits for us), ``GET /packages/<id>``, ``PUT /packages/<id>/status``
``{"status": "DONE"}``. A bearer token identifies our organisation to the axis.

Connection errors, timeouts and 502/503/504 answers are retried here with exponential backoff
(urllib3); what still fails is an :class:`AxisError` for the outbox to retry later.
"""
from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from integrations.axis.base import Axis, AxisError, Message

PERMANENT = (400, 404, 409, 410, 413, 415, 422)


class HttpAxis(Axis):
    def __init__(self, base_url: str, token: str | None, *, timeout: float = 20.0, retries: int = 2,
                 backoff: float = 0.5, max_bytes: int = 64 * 1024 * 1024):
        self.base = base_url.rstrip("/")
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.session = requests.Session()
        retry = Retry(total=retries, connect=retries, read=retries, status=retries, backoff_factor=backoff,
                      status_forcelist=(502, 503, 504), allowed_methods=None, raise_on_status=False)
        self.session.mount("http://", HTTPAdapter(max_retries=retry))
        self.session.mount("https://", HTTPAdapter(max_retries=retry))
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        try:
            response = self.session.request(method, self.base + path, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise AxisError(f"Không kết nối được trục liên thông: {type(exc).__name__}") from None
        if response.status_code >= 400:
            detail = response.text[:300] if response.headers.get("Content-Type", "").startswith(
                ("application/json", "text/")) else ""
            raise AxisError(f"Trục liên thông trả lỗi HTTP {response.status_code} {detail}".strip(),
                            permanent=response.status_code in PERMANENT)
        return response

    def send(self, package: bytes, *, receivers: list[str], kind: str, key: str) -> str:
        response = self._call("POST", "/packages", data=package, headers={
            "Content-Type": "application/xml; charset=utf-8", "X-Axis-To": ",".join(receivers),
            "X-Axis-Type": kind, "Idempotency-Key": key})
        return str(_json(response).get("id", ""))

    def received(self) -> list[Message]:
        items = _json(self._call("GET", "/packages")).get("items") or []
        return [Message(id=str(i["id"]), sender=str(i.get("from", "")), kind=str(i.get("type", "edoc")),
                        created=str(i.get("created", ""))) for i in items if isinstance(i, dict) and i.get("id")]

    def fetch(self, message_id: str) -> bytes:
        response = self._call("GET", f"/packages/{requests.utils.quote(message_id, safe='')}", stream=True)
        chunks, size = [], 0
        for chunk in response.iter_content(1 << 16):
            size += len(chunk)
            if size > self.max_bytes:
                response.close()
                raise AxisError("Gói tin trên trục vượt quá dung lượng cho phép.", permanent=True)
            chunks.append(chunk)
        return b"".join(chunks)

    def acknowledge(self, message_id: str) -> None:
        self._call("PUT", f"/packages/{requests.utils.quote(message_id, safe='')}/status", json={"status": "DONE"})


def _json(response: requests.Response) -> dict:
    try:
        data = response.json()
    except ValueError:
        raise AxisError("Trục liên thông trả về dữ liệu không phải JSON.") from None
    return data if isinstance(data, dict) else {}
