"""PKCS#11 key store against SoftHSM2 (Debian package softhsm2; pip python-pkcs11).

A token is initialised in a temp dir (SOFTHSM2_CONF points at a temp config), the leader's and the
org seal's keys + certs are imported from the test PKI, then signing/issuing/verification run through
Pkcs11KeyStore exactly as with PKCS#12 files.
"""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from pdf_support import *  # noqa: F401,F403  (fixtures)
from pdf_support import LEADER, LEADER_BOX, ORG_NAME, ORG_PIN, ORG_SHORT

from integrations.pdf import keys, signing, verify

SOFTHSM_LIBS = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so")
TOKEN = "qoffice-test"
USER_PIN = "654321"
SO_PIN = "12345678"


def _softhsm_lib() -> str | None:
    return next((p for p in SOFTHSM_LIBS if os.path.exists(p)), None)


pytestmark = [
    pytest.mark.skipif(shutil.which("softhsm2-util") is None or _softhsm_lib() is None,
                       reason="softhsm2 not installed (apt-get install softhsm2)"),
]


@pytest.fixture(scope="module")
def token(tmp_path_factory, pki_paths):
    pytest.importorskip("pkcs11", reason="python-pkcs11 not installed (pip install python-pkcs11)")
    d = tmp_path_factory.mktemp("softhsm")
    (d / "tokens").mkdir()
    conf = d / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {d / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    old = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)  # read by SoftHSM at C_Initialize, in this process too
    try:
        subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--so-pin", SO_PIN,
                        "--pin", USER_PIN], check=True, capture_output=True, timeout=60)
        lib = _softhsm_lib()
        keys.import_p12_into_pkcs11(lib, TOKEN, USER_PIN, p12=pki_paths.people[LEADER.username].read_bytes(),
                                    p12_pin=LEADER.pin, label=LEADER.username)
        keys.import_p12_into_pkcs11(lib, TOKEN, USER_PIN, p12=pki_paths.org_seal_p12.read_bytes(),
                                    p12_pin=ORG_PIN, label="org-seal")
        yield lib
    finally:
        if old is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = old


def test_pkcs11_leader_and_seal(token, pki_paths, pdf_with_fields, font_cache, signature_png, seal_png):
    store = keys.Pkcs11KeyStore(token, TOKEN)
    assert isinstance(store, keys.KeyStore)
    with keys.signer_for(store, LEADER.username, USER_PIN) as leader:
        signed = signing.sign_as_leader(pdf_with_fields, leader, page=0, box=LEADER_BOX, name=LEADER.full_name,
                                        position=LEADER.position, image_png=signature_png,
                                        font_cache_dir=font_cache)
    tsa = signing.make_local_timestamper(pki_paths.tsa_cert, pki_paths.tsa_key, pki_paths.intermediate_cert)
    org = store.open_signer("org-seal", USER_PIN)
    try:
        issued = signing.issue_with_seal(signed, org, number_text="07/QĐ-SLĐTBXH",
                                         date_text="Quảng Nam, ngày 02 tháng 01 năm 2026",
                                         seal_box=signing.seal_box_over(LEADER_BOX), page=0, timestamper=tsa,
                                         org_name=ORG_SHORT, seal_png=seal_png, font_cache_dir=font_cache)
    finally:
        keys.close_signer(org)
    checks = verify.verify_pdf(issued, trust_roots=pki_paths.trust_roots())
    assert [c.field for c in checks] == ["LanhDao", "CoQuan"]
    assert all(c.ok and c.trusted and c.intact and c.valid for c in checks), checks
    assert checks[0].signer == LEADER.full_name and checks[0].modification == "form_filling"
    assert checks[1].signer == ORG_NAME and checks[1].coverage == "entire_file" and checks[1].timestamped


def test_pkcs11_wrong_pin_and_unknown_key(token):
    store = keys.Pkcs11KeyStore(token, TOKEN)
    with pytest.raises(keys.BadPin):
        store.open_signer(LEADER.username, "000000")
    with pytest.raises(keys.KeyNotFound):
        store.open_signer("nobody", USER_PIN)
    with pytest.raises(keys.KeyStoreError):
        keys.Pkcs11KeyStore(token, "no-such-token").open_signer(LEADER.username, USER_PIN)
