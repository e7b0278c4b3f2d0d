"""What the kiosk prints: ticket and card layouts, print jobs and the printing service over
printer/."""
