"""The terminal app and the ``sotay`` command line.  Textual is imported only by the app itself."""
