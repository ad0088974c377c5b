"""Forms as data: a question set (check-in, survey, pulse, session feedback) in every language
the cards speak, and the checking of one person's answers against it. Pure: no I/O."""
