"""Files on disk -> validated Config: the configuration language and its offline checks.

discover.py    which files, in what order
templating.py  Jinja2 sandbox, --var / --var-file
plain_yaml.py  YAML -> plain data, fast (libyaml); locations found only when asked
located_yaml.py  YAML -> plain data + file:line:column for every node
models.py      pydantic models of the language (unknown keys forbidden); base.py, jwks.py
translate.py   pydantic errors -> located Diagnostics
files.py       keys_file / ca_cert_file read relative to their config file
checks.py      cross-file checks (duplicates, references, memberships, scopes)
cel.py         CEL helpers for match.condition (also used by lint and explain)
load.py        the steps above in order -> Config, or ValidationFailed
validated.py   Config: the validated configuration, with the location of every value
render.py, fmt.py, schema.py   `fedctl render`, `fedctl fmt`, `fedctl schema`
scaffold.py, starters/   `fedctl init` and its starter configurations

config = load_config("examples/quickstart")
"""

from fedctl.config.load import load_config, sort_diagnostics
from fedctl.config.validated import Config, Origin

__all__ = ["Config", "Origin", "load_config", "sort_diagnostics"]
