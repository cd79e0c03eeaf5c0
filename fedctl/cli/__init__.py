"""The command line: parses arguments, calls the layers below, prints. No logic lives here.

`template_child` is the other entry point: the child process templates render in (started
by `fedctl.core.template_process`), here because it imports both config and render.
"""
