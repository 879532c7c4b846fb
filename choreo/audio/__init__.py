"""Sound: reading recordings, synthesizing the score, aligning a recording to the score.

The only package that imports the audio libraries (soundfile, librosa, synctoolbox,
pedalboard, sounddevice) and numpy, and only inside functions, so ``choreo --help`` and
the editor start without them. Install them with the ``audio`` extra (README).

- :func:`choreo.audio.recording.read_recording` -- a file as a :class:`Recording` (mono
  float32 samples and their rate), or one :class:`~choreo.errors.RecordingError` line.
- :func:`choreo.audio.synth.synthesize` -- the score as a :class:`Recording`: the notes
  of :func:`choreo.score.notes.load_score_notes` placed at a measure map's seconds (its
  order, its tempo), optionally bent by a warp (seconds -> seconds), rendered by
  FluidSynth; :func:`~choreo.audio.synth.place_notes` and
  :func:`~choreo.audio.synth.write_midi` are its two halves.
- :class:`choreo.audio.player.Player` -- plays a recording after a count-in on the sound
  output's thread (or the null sink's), and says what is sounding now;
  :class:`choreo.audio.rendering.ScoreRendering` renders the score and
  :class:`choreo.audio.stretching.Stretching` makes music at a slower speed a piece at a
  time (:mod:`choreo.audio.pieces`), so the editor's playback starts after the first piece.
"""
