import os
import sys

from sse_dash import cli

code = cli.main()
if cli.LEAVE_AT_ONCE:
    # the command has written and synced everything it makes: skip the interpreter's
    # teardown (every object and module freed one by one), the kernel takes the memory back
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
sys.exit(code)
