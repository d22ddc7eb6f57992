"""vision/exercises"""
