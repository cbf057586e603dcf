"""The printed products: zine editions (screen, print, booklet) and guide handouts."""
