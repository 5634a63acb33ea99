"""File formats: event files (TFRecord framing), the V2 checkpoint bundle and its LevelDB-format
index table. Knows only the framework."""
