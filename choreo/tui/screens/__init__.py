"""The editor's screens: the editor itself, the scene picker, help, and the questions."""
