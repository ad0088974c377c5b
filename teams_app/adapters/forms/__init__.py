"""Forms from files: the built-in forms shipped in builtin/, and any an admin adds."""
