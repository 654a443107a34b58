//! Newline-delimited JSON tables (§8): `read_json` and `write_json`.
