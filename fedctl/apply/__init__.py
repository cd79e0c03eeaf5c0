"""Plan -> Admin API writes: ordered, parallel, checked before and read back after.

`executor` runs steps in dependency order, `steps` turns one Step into one client call,
`safety` refuses plans that change too much, `saved` checks a saved plan is still current
and `reconcile` guards the organization before the first write and reads back after.
"""
