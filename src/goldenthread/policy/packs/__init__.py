"""Rule pack data files (TOML); a package so that importlib.resources and package data find them."""
