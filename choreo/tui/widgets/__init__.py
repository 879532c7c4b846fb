"""The editor's widgets, one area each: header, beat table, beat form, timeline, checks."""
