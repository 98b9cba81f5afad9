"""Dates and times in Indonesian, one way everywhere (FORMAT_MODULE_PATH): "5 Des 2026" and "5 Des 2026, 09.33 WIB".

The zone is always shown with a time (``T``: WIB for Asia/Jakarta), so that a buyer in Makassar or Jayapura
reads the programme's time for what it is. Templates say ``|date:"DATE_FORMAT"`` or ``|date:"DATETIME_FORMAT"``
(or include ``frontend/includes/datetime.html``); Python says ``market.core.dates.datetime_display``.
"""
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H.i T"
TIME_FORMAT = "H.i T"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H.i T"
