"""BUUV app: the neighbourhood help marketplace of Leiden and Leiderdorp."""
