from __future__ import annotations

import sys

from kamgen.cli import main

sys.exit(main())
