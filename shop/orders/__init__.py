"""Orders: one Order per checkout, one FarmOrder per farm in it, lines with price snapshots, an event log."""
