"""Excel in and out for reported actuals: template, reader, upload (dry run, confirm, undo), sample data."""
