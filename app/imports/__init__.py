"""`kanal import`: a shop's history from a file, in batches through the batch path
(`app.services.batches`), in-process or over HTTP (README, "Importing a shop's history")."""
