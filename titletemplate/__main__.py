"""`python -m titletemplate`: the command line, for when the script folder is not on PATH."""

from .cli import main

main(prog_name="titletemplate")
