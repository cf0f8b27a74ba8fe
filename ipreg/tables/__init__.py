"""Reading spreadsheets officers send (CSV and XLSX) in bounded memory and time: encodings, sheet limits,
headers in both languages. Knows nothing of records or batches; the importers above give it their columns."""
