"""fedctl: Anthropic Workload Identity Federation as code.

The data flow, one step a module or package:
    config/       files on disk -> validated Config (the configuration language)
    desired       Config -> DesiredState (defaults filled, workspaces resolved)
    api/          the Admin API over httpx, and nothing else (client, credentials, writes)
    live          API -> LiveState, the same normalised shape as DesiredState
    live_reads    the requests of one live read, startable before any model is imported
    pipeline      config + live read side by side -> the judged plan (gate, access tests);
                  the one Plan the library, `plan` and `apply` share
    plan/         DesiredState + LiveState -> Plan (ordered steps, data first; no HTTP)
    apply/        Plan -> API writes, in order and in parallel, read back
    render/       Plan -> text, JSON, Markdown

What every step shares:
    address       Address(kind, name): which resource, as a value (text `kind/name`)
    pairing       which live resource a declared one is, through renames (previous_names)
    state         the specs both states are made of; fields: what each field is for
    resolved/     one resolved read model per kind (defaults filled, names and IDs)
    errors        the error types, each one line for people; escape: safe terminal text
    safe_write    the one way a file is written (new file renamed over the target)
    patterns      which live resource a settings.protect or settings.unmanaged entry names
    jwk           public-key helpers and private-member detection
    presets       what fedctl knows about each identity provider
    unmanageable  live resources fedctl cannot represent exactly

Around the flow:
    guards/       the guards of a change (protect, policies, lint, limits, access tests),
                  read from trusted sources (snapshot, --guards-from), strictest wins
    access/       who can mint what, where: the access diff of a plan
    proof/        rule matches as SMT formulas (z3): proofs and witness tokens
    accesstest/   `fedctl test`: an organization's expectations of who gets a token
    explain/      `fedctl explain`: which rules accept a token, and why
    lint/         security review of a configuration (FED001...)
    policy/       organization policies in CEL
    keys/         static API keys next to federation (KEY001...)
    export/       the live organization as configuration (YAML, or Terraform HCL)
    terraform_import/  Terraform state -> configuration
    output/       what a workload needs (env, GitHub, Kubernetes, SDK profile)
    graph/        the trust graph (Mermaid, DOT, JSON)
    snapshot, drift, drift_access, doctor, live_view  one command each (snapshot, drift and
                  its access classification, doctor, show)
    scaffold, starters/  `fedctl init` and its starter configurations
    sandbox       the bounded Jinja2 sandbox of templates and --template
    template_process, template_child  templates rendered in a limited child process
    gitops/       helpers the shipped GitHub Actions workflow runs
    emulator/     an independent local server of the Admin API contract
    cli/          argument parsing and printing only; formats: the renderer registry
    schemas/      the plan's JSON Schema, shipped for `fedctl schema --plan`

Comments cite the Admin API as `docs/admin-api.md §N` or a bare `§N`: the sections of
docs/admin-api.md, the project's own account of the API and the token exchange.
"""

__version__ = "0.1.0"
