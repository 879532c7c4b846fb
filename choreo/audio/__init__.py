"""Sound: reading recordings, synthesizing the score, aligning a recording to the score.

The only package that imports the audio libraries (soundfile, librosa, synctoolbox,
pedalboard, sounddevice) and numpy, and only inside functions, so ``choreo --help`` and
the editor start without them. Install them with the ``audio`` extra (README).
"""
