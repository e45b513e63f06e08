"""`python -m benchmarks.soak` (make soak)."""

import sys

from benchmarks.soak.run import main

sys.exit(main())
