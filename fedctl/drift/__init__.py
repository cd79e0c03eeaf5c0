"""`fedctl drift`: live differences that did not come from fedctl (`report`), each
classed as the access diff classes a plan (`access`), as text, Markdown or JSON
(`render`)."""
