"""The shell's own screens: sign-in, home, plugins. Plugins build on ``SihaoScreen``."""
