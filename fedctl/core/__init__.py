"""What every step of fedctl shares: the state specs and field tables, the resolved
read model, the error family, safe terminal text, safe file writes, identity
provider presets, protect patterns, JWK helpers and the bounded template sandbox.
Imports nothing of fedctl outside this package."""
