"""Demo data of Kamchatka Krai: `data` (reference facts) and `plan` (the organizations to create)."""
