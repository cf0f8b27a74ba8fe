"""Spatial logic in shapely 2 vectorised form; nothing here imports Flask."""
