"""vision/pose"""
