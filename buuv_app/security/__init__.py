"""What the app tells browsers about itself (headers.py) and what it refuses at the door (middleware.py)."""
