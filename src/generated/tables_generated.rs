// Placeholder: regenerate with scripts/gen-schemas.sh once schemas/tables.fbs exists.
