//! Unit tests of the report.
