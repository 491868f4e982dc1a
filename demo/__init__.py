"""Demo data for Kamchatka Krai: `manage.py load_demo` and `manage.py generate_appeals`.

Only the demo imports the apps it fills; no app imports the demo.
"""
