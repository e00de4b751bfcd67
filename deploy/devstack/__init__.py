"""The embedded development stack: a real PostgreSQL and a Kafka-protocol broker from wheels.

Used by ``make dev`` and by the integration tests; nothing here runs in production.
"""
