"""fedctl: Anthropic Workload Identity Federation as code.

The top level is grouped by role, and tests/test_layering.py holds each role to the roles
it may import: core imports nothing else of fedctl; config and api import only core; the
flow and the features use each other, but a feature never imports the live read, the
pipeline or apply; nothing imports cli or the emulator.

What every step shares:
    core/         state (the specs both states are made of), fields (what each field is
                  for), resolved (one resolved read model per kind), address and pairing
                  (a resource's kind/name; declared paired with live), errors (the error
                  family, drawn as a tree), escape (safe terminal and Markdown text),
                  safe_write (the one way a file is written), patterns (which live
                  resource a settings.protect or settings.unmanaged entry names), jwk,
                  presets (what fedctl knows about each identity provider), sandbox and
                  template_process (templates rendered bounded, in a limited child process)

The data flow, one step a package:
    config/       files on disk -> validated Config (the configuration language); also
                  `fedctl init` (scaffold, starters/)
    desired       Config -> DesiredState (defaults filled, workspaces resolved)
    api/          the Admin API over httpx, and nothing else (client, credentials, writes)
    live/         API -> LiveState, the same normalised shape as DesiredState (read, after
                  the requests it starts before any model is imported); the snapshot file
                  a credential-free plan reads (snapshot); what fedctl cannot represent
                  (unmanageable); `fedctl show` (view), `fedctl doctor`
    pipeline      config + live read side by side -> the judged plan (gate, access tests);
                  the one Plan the library, `plan` and `apply` share
    plan/         DesiredState + LiveState -> Plan (ordered steps, data first; no HTTP)
    apply/        Plan -> API writes, in order and in parallel, read back
    render/       Plan -> text, JSON, Markdown

Features, each from states or a configuration to findings to text (never a client):
    access/       who can mint what, where: the access diff of a plan; proof/ (rule
                  matches as SMT formulas: proofs and witness tokens), explain/ (`fedctl
                  explain`: which rules accept a token, and why)
    lint/         security review of a configuration (FED001...)
    guards/       the guards of a change (protect, policies, lint, limits, access tests),
                  read from trusted sources (snapshot, --guards-from), strictest wins;
                  policy/ (organization policies in CEL), accesstest/ (`fedctl test`: an
                  organization's expectations of who gets a token), gitops/ (what the
                  shipped GitHub workflow trusts)
    api_keys/     static API keys next to federation (KEY001...); reads them itself
    export/       the live organization as configuration (YAML, or Terraform HCL);
                  terraform_import/ (Terraform state -> configuration)
    output/       what a workload needs (env, GitHub, Kubernetes, SDK profile)
    graph/        the trust graph (Mermaid, DOT, JSON)
    drift/        `fedctl drift`: live changes made outside fedctl, classed by access

Around them:
    emulator/     an independent local server of the Admin API contract
    cli/          argument parsing and printing only; formats: the renderer registry;
                  template_child: the entry point of the template child process
    schemas/      the plan's JSON Schema, shipped for `fedctl schema --plan`

Comments cite the Admin API as `docs/admin-api.md §N` or a bare `§N`: the sections of
docs/admin-api.md, the project's own account of the API and the token exchange.
"""

__version__ = "0.1.0"
