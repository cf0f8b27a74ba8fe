"""The registry: records, parties, production areas, their bitemporal history and recordals, visibility,
search, import of records and export. Imports the gazetteer below it; knows nothing of flags."""
