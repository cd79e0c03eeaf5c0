"""Access proofs: rules as z3 formulas over a symbolic token, decided by satisfiability.

`syntax` reads a CEL condition into the modelled subset; `values` and `formula` turn a
`fedctl.core.resolved.ResolvedRule` into its admission formula; `solve` asks z3 for tokens and
checks each against `concrete` (explain's evaluator); `grants` compares the rules of each
grant before and after a plan. `exhaustion` answers the usual matches first without z3,
by evaluating one token per class of claim values; `questions` are lint's questions,
with `solver_questions` for what the class search leaves. z3 is imported only by the
formula and solver modules, and only when a question needs the solver.
"""
