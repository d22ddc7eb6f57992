"""vision/synth"""
