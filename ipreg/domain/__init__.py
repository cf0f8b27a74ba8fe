"""Domain logic of ipreg. Nothing here imports Flask: the CLI, the JSON API and the views all call it."""
