"""The built-in rules: one module per rule, in a folder per family (``validity/``, ``network/``,
``data/``, ``security/``, ``operations/``, ``style/``). The registry finds them by walking this package,
so adding a rule is adding a module; helpers that several rules of a family share live in that
family's ``common.py``. Third-party rules come from the ``composelint.rules`` entry point group."""
