"""Mail: building a message (message.py) and sending it (transports.py).

A message is a value (`message.Mail`: its envelope and its bytes); a transport is anything with a
`session()` whose `send(mail)` delivers it: SMTP, a folder of .eml
files, or the console.
"""
