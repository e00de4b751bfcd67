"""Plumbing and contracts shared by every service: events, bus, database, auth, web.

It holds no service's tables and no business rule.
"""
