"""ESC/POS printing of tickets and information cards (see the printing issue)."""
