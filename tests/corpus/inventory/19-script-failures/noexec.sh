[g]
h2 y=2
