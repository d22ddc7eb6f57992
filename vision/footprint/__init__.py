"""vision/footprint"""
