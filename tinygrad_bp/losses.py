"""``tinygrad_bp.losses``, the old path of ``tinygrad_bp.nn.losses`` (kept working).

The old name is bound to the same module object, so both names share everything it holds.
"""

import sys

from .nn import losses as _module

sys.modules[__name__] = _module
