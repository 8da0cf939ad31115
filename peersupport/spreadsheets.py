"""What every CSV export shares."""

# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Text typed by people, kept as text when the file is opened in a spreadsheet."""
    return f"'{text}" if text[:1] in _FORMULA_STARTS else text
