from . import test_orgnr
