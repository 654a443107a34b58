// Placeholder: regenerate with scripts/gen-schemas.sh once schemas/program.fbs exists.
