"""The web pages: routes (pages), what they show (views), the services probe."""
