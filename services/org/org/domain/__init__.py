"""Plain-Python rules of the organisation; no framework or storage imports here."""
