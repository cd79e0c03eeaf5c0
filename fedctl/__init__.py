"""fedctl: Anthropic Workload Identity Federation as code.

Data flow, one package a step:
    config/   files on disk -> validated Config
    desired   Config -> DesiredState (defaults filled, workspaces resolved)
    api/      the Admin API over httpx, and nothing else
    live      API -> LiveState, the same normalised shape as DesiredState
    plan/     DesiredState + LiveState -> Plan (ordered, data first)
    apply/    Plan -> API writes, in order and in parallel, read back
    render/   Plan -> text, JSON, Markdown
    emulator/ an independent local server of the Admin API contract
    cli/      argument parsing and printing only
"""

__version__ = "0.1.0"
