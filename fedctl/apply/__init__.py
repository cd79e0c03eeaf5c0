"""Plan -> Admin API writes: checked before, ordered and parallel, read back after.

run.py        apply_plan: limits, approval, organization guard, steps, read-back
safety.py     max_archives / max_changes_percent, unless --allow-large-changes
saved.py      a saved plan still matches the configuration digest and live versions
executor.py   dependency order, bounded parallelism, skip after a failed prerequisite
steps.py      one Step -> one safe write (names resolved, 409s adopted when they match)
names.py      name -> ID map: live state plus this run's creates and renames
reconcile.py  the organization guard and the "plan again must be empty" read-back
"""
