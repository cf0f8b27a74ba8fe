"""The reform's work on the registry: the rules and the bodies they recognise, the flag engine, review
decisions, draft letters, statistics, completing incomplete records."""
