"""Places: the units of both vintages and their succession (snapshot), the dated history since 2004, names
as officers write them, loading the sources and checking them against each other. Imports core and spatial;
knows nothing of records."""
