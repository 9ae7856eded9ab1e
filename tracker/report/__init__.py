"""The status report for the follow-up meeting.

data.py builds the report value (pure), words.py turns codes into Thai or
English words and digits, text.py lays out text and Markdown, svg.py draws
the timeline and bars, render.py ties them to the templates and to PDF.
"""
