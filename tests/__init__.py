from . import test_ageing
from . import test_audit
from . import test_credit_policy
from . import test_customer_card
from . import test_discount
from . import test_numbering
from . import test_orgnr
from . import test_postal
