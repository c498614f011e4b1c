from . import test_ageing
from . import test_customer_card
from . import test_numbering
from . import test_orgnr
from . import test_postal
