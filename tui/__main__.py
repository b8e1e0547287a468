"""``python -m tui`` is ``sotay``."""

from tui.cli import main

main()
