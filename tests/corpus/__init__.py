"""The generated corpus of returned files (issue 7): generator code only, no binaries."""
