# The profiles models arrive with their capability; see ../shared/DESIGN.md.
