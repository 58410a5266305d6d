"""Business rules. Services take a session, ``now`` and the acting user; no Flask here."""
