"""The terminal editor: a scene's beats in a table, a form, a measure timeline and checks."""
