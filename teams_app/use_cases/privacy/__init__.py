"""A person's own data (DESIGN.md section 8): see, export and erase it; retention."""
