"""The ``sotay`` subcommands, one module per area."""
