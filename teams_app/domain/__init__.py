"""The pure domain: no I/O, no SDK types, no clock reads."""
