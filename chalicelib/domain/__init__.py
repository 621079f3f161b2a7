"""The pure domain of Lampung In: complaints (aduan), their lifecycle, who may see what.

Nothing here does I/O, reads the environment or the clock: time is always an argument.
"""
