import sys

from sse_dash.cli import main

sys.exit(main())
