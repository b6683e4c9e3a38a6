"""Family 1: is this a compose project Docker Compose would accept, and does it mean what it says?"""
