"""Mail: building a message (message.py) and sending it (transports.py).

A message is a value (an `email.message.Message`); a transport is anything with a
`session()` whose `send(message, to)` delivers it: SMTP, a folder of .eml
files, or the console.
"""
