"""The web pages: units by signed link, the clerk by sign-in (`tracker serve`).

links.py (signed unit links, the secret key) imports no Flask, so the mail
composer can put a unit's link in a reminder without loading the web stack.
"""
