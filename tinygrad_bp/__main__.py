"""``python -m tinygrad_bp`` is the ``tinygrad-bp`` command."""

import sys

from .cli import main

sys.exit(main())
