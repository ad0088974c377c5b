"""Use cases: one async function per action, orchestrating the domain and the ports."""
