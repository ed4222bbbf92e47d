"""Pure rules about young people, workers and the things between them. No I/O here."""
