"""`learning-loop doctor`: checks of a deployment, each a harmless probe over a port."""
