"""What the tests share, imported as ``tests.helpers.<module>`` (fixtures are in conftest.py).

``clock``: the one test clock.  ``server``: the central service in-process (a seeded database,
an HTTP client over ASGI, a sync client behind a switch).  ``server_process``: a real
``sotay-server`` process (the demo's).  ``cli_world``: replicas driven by ``sotay`` processes.
``flaky``: a proxy that makes a link bad.  ``readonly_fs``: a read-only data folder.
``app``: driving the real app on a fixed clock.
"""
