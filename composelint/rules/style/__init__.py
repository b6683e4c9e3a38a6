"""Family 6: style (all off by default except the obsolete `version` key).

The ordering and quoting rules mirror dclint's, without its known false positives. They read each
compose file of the project (the files given or discovered, not those pulled in by `include` or
`extends`) as written, through ``Context.source_file``: ordering is a property of a file, not of the
merged project, and quoting is lost once the YAML is read. Keys that a `<<:` merge key brings in are
not part of the mapping as written, so they never count as out of order.
"""
