"""Forms in Teams (issue 12): so far the presenters that turn a form from the catalog into its
cards, in the person's language. Routes and handlers come with campaigns."""
