"""Reading a project exactly as Docker Compose does: discovery of the files, YAML value trees with the
span of every node, `.env` files and the environment, interpolation, `include`, `extends` and
override merging, the canonical form of short syntax, and the compose-spec schema.

Nothing here knows about rules: ``loader.load_project`` turns files into a ``LoadedProject`` (or
``ComposeError``s that the validity rules report at the node that caused them).
"""
