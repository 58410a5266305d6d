"""Official documents (Decree 30/2020 layout) and the outgoing-document register."""
