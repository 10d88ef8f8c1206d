"""Good practices and their transfers from owner to importing partners."""
