"""The coach's apps, one per page of the process: ``home`` (every engagement and where it
stands), ``prep`` (checklist and preparation), ``meeting/`` (the live 30 minutes),
``debrief`` (the 15-minute pulse check), ``summary/`` (the coachee's recap).

Each app is built from the shell (page, chrome, picker) and forms, reads the instrument
and saves through the store; nothing below this folder imports an app.
"""
