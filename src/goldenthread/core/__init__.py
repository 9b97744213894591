"""The bottom layer: pieces every app shares and that depend on no app at run time.

The acting person (``Actor``), the typed request views receive (``AgencyRequest``), the one error every
write raises (``ActionError``) and how a form shows it, the permission decorator, append-only models and
the home page's task registry. Names of app types appear here only for the type checker.
"""
