"""Views of the sharing app, one module per journey: the guide, decisions, advice."""
