"""The GitHub integration's decisions, as data in and data out: which snapshot run to
trust, what a downloaded artifact may hold, what the trusted review recorded. The shipped
workflow records GitHub's answers with `gh` and runs `fedctl gitops ...` on them (never a
module from the checkout), so every decision is tested against recorded JSON."""
