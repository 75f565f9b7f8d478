"""The demo PKI is labelled as such, and refused in production (QOFFICE_ENV=production)."""
from __future__ import annotations

from pathlib import Path

from engine.outgoing import signing_keys
from tests.conftest import DEMO_PASSWORD
from tests.test_outgoing_signing import _official_of, receive, signed_by


def test_every_page_says_the_keys_are_demo_keys(client):
    client.post("/login", data={"username": "giamdoc", "password": DEMO_PASSWORD})
    page = client.get("/inbox").get_data(as_text=True)
    assert 'data-testid="demo-keys"' in page and "KHÓA KÝ SỐ DEMO" in page


def test_in_production_the_demo_root_is_never_trusted(app, api, client, tmp_path):
    _official_of(app, tmp_path)
    pdf = signed_by(app, "chutich", "1234", tmp_path)
    assert receive(api, pdf)["legal_standing"] == "legal"  # demo installation: the demo root is trusted
    demo_root = str(Path(app.config["QOFFICE_PKI_DIR"]) / "root-ca.cert.pem")
    for trust in (None, demo_root):  # not configured, or configured to the demo root by mistake
        app.config.update(QOFFICE_ENV="production", QOFFICE_TRUST_ROOTS=trust)
        assert signing_keys.trust_roots() == []
        doc = receive(api, pdf)
        assert doc["legal_standing"] == "reference" and not doc["signatures"][0]["trusted"]
    assert signing_keys.timestamper() is None and signing_keys.ensure_demo_pki({"giamdoc": "x"}) == []
    client.post("/login", data={"username": "giamdoc", "password": DEMO_PASSWORD})
    assert 'data-testid="demo-keys"' not in client.get("/inbox").get_data(as_text=True)
