"""The demo's in-process RFC 3161 timestamp authority: pyHanko's DummyTimeStamper, its key parsed once.

pyHanko's class parses the TSA's private key for every token it signs, and cryptography checks an RSA
key as it parses it (about 28 ms for 2,048 bits, where the signature itself takes 0.3 ms): that was a
tenth of issuing a document. The key is parsed, and so checked, once here. Production uses a real TSA
over HTTP (QOFFICE_TSA_URL), never this.
"""
from __future__ import annotations

from datetime import datetime

from asn1crypto import cms, core
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.sign import general
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator.util import get_pyca_cryptography_hash


class LocalTimeStamper(DummyTimeStamper):
    """DummyTimeStamper that signs its tokens with a key parsed once (RSA only, as pyHanko's)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        key = serialization.load_der_private_key(self.tsa_key.dump(), password=None)
        if not isinstance(key, RSAPrivateKey):
            raise ValueError("the local timestamp authority needs an RSA key")
        self._key = key

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str, dt: datetime):
        # The same signed attributes as pyHanko's DummyTimeStamper (pyhanko 0.38, pinned in requirements.txt).
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        signed_attrs = cms.CMSAttributes([
            general.simple_cms_attribute("content_type", "tst_info"),
            general.simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
            general.simple_cms_attribute("signing_certificate", general.as_signing_certificate(self.tsa_cert)),
            general.simple_cms_attribute("message_digest", digest.finalize()),
        ])
        signature = self._key.sign(signed_attrs.dump(), PKCS1v15(),
                                   get_pyca_cryptography_hash(md_algorithm.upper()))
        return signature, signed_attrs
