"""How a run ends, for the command line and every command."""

EXIT_OK = 0
EXIT_FINDINGS = 1  # findings at or above the fail level (or an invalid project, for `config`)
EXIT_USAGE = 2  # a bad command line or configuration, or no file checked
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT
