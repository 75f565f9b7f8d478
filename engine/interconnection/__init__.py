"""Interconnection with other agencies (edXML over the axis): what is queued for them and, later,
what arrives from them."""
