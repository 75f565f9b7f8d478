"""Outgoing documents, by verb: drafting, preparing the PDF to sign (submit, review), signing and
issuing with the number and seal, sending; and the signing keys."""
