from . import models
from . import report
from . import wizards
from .hooks import post_init_hook, uninstall_hook

# Last: the input guard extends every model defined above and must come first in their class order.
from .models import kundekartotek_input_guard
