"""The domain: rules every layer may import (``domain.rules``) and the one clock (``domain.clock``)."""
