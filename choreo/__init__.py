"""choreo: fight-choreography beat sheets on the bars of the score."""

__version__ = "0.1.0"
