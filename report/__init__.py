from . import kundekartotek_ageing_report
from . import report_ageing
from . import ageing_xlsx
from . import report_ledger
from . import report_gdpr_export
from . import report_statement
from . import report_reminder
