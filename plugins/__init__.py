"""Built-in plugins, one package each. They meet through hooks, never by importing each other."""
