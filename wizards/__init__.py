from . import kundekartotek_credit_override
from . import kundekartotek_renumber
from . import kundekartotek_postal_import
from . import kundekartotek_ageing_wizard
from . import kundekartotek_ledger_wizard
from . import kundekartotek_brreg_lookup
from . import kundekartotek_brreg_lookup_line
from . import kundekartotek_anonymise
