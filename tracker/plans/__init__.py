"""Reading plan documents (text exported from Word, or CSV). Pure: no database."""
