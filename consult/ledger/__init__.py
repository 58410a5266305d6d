"""The two ledgers the law asks for, below the workflow so every layer may write them:

- :mod:`~consult.ledger.audit`: the append-only, hash-chained audit log (nhật ký);
- :mod:`~consult.ledger.register`: the outgoing-document register (sổ đăng ký văn bản đi),
  which gives every document its number and symbol (``156/QĐ-UBND``).
"""
