"""What ingest writes for people: consolidated workbook and CSV, error report, corrections."""
