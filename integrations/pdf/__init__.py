"""PDF signing and verification adapter (PAdES via pyHanko).

Standalone: imports neither Flask nor the app's models.

* :mod:`.pki`     – demo/test PKI generator (root, intermediate, people, org seal, TSA).
* :mod:`.keys`    – :class:`KeyStore` interface with PKCS#12 and PKCS#11 backends.
* :mod:`.signing` – leader approval signature, then number/date + organisation seal in one revision.
* :mod:`.verify`  – validate every embedded signature, with Vietnamese/English reasons.

Other modules of this package (e.g. document rendering) are described in their own files.
Submodules are imported lazily so that e.g. ``integrations.pdf.pki`` does not pull in pyHanko.
"""
