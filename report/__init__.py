from . import kundekartotek_ageing_report
