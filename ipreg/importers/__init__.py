"""Reading officers' spreadsheets safely, and validating their rows before anything is written."""
