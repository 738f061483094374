"""``python -m tinygrad_bp.viz [what] [-o FILE] ...``: the ``tinygrad-bp graph`` command."""

import sys

from .command import main

sys.exit(main())
