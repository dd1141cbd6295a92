"""The `xcedu` subcommands, one module each; they may import every other layer, and nothing imports them."""
