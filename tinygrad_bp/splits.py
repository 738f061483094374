"""``tinygrad_bp.splits``, the old path of ``tinygrad_bp.data.splits`` (kept working).

The old name is bound to the same module object, so both names share everything it holds.
"""

import sys

from .data import splits as _module

sys.modules[__name__] = _module
