"""Guards: the settings and files that judge a change, read from the trusted side.

A pull request must not weaken the checks it is judged by. `registry.GUARDS` names every
guard once (protect patterns, policies, lint gate and ignores, safety limits, allowed API
keys, access tests) with how to read it, how to merge several sources strictest-wins and
how to compare two values. `effective.enforce_guards` turns the configuration plus the
trusted sources (a snapshot of main, `--guards-from REF|DIR`) into the configuration every
later step reads, and the guardrail changes the plan shows.

    guarded = enforce_guards(config, [snapshot_source(snapshot)])
    plan_with(build_desired(guarded.config, ...), ...)

Two guards are features of their own, kept here: `policy/` (organization policies in CEL,
`fedctl policy`) and `accesstest/` (`fedctl test`). `gitops/` decides which snapshot and
review record the shipped GitHub workflow may trust.
"""
