from . import kundekartotek_credit_override
from . import kundekartotek_renumber
