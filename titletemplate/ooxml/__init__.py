"""Hand-written zip/XML readers and writers for the xlsx parts where the libraries are slow."""
