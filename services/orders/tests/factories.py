placed = 1
