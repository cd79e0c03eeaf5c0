"""Plan -> text for people (text, Markdown) and for tools (JSON). Never calls the API."""
