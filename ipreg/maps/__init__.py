"""Maps built with folium, for the app's own pages: offline (vendored Leaflet, no tiles) and escaped.

Nothing here imports Flask: the web layer passes URLs and a translation function in, and puts the
rendered parts (header, map element, script) into its templates.
"""
