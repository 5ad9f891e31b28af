"""The pure part: what the index keeps of each seller, and how facts fold into it."""
