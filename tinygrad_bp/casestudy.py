"""``tinygrad_bp.casestudy``, the old path of ``tinygrad_bp.tutorial.casestudy`` (kept working).

The old name is bound to the same module object, so both names share everything it holds.
"""

import sys

from .tutorial import casestudy as _module

sys.modules[__name__] = _module
