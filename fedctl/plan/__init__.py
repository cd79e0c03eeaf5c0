"""DesiredState + LiveState -> Plan. Knows nothing of HTTP."""
