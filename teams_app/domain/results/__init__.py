"""Results in SharePoint (issue 12): the lists responses are kept in, and their items."""
